/**
 * Every failure a caller can see. Each class fixes its HTTP status and stable
 * `code` (SPEC §3); `message` is always safe to show: it never carries a key,
 * an upstream body or a stack. The original problem travels in `cause`, for
 * the log line only.
 */
export abstract class ServiceError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  /** Extra response headers (Retry-After for 429). */
  readonly headers: Record<string, string> = {};
}

const define = (status: number, code: string, defaultMessage: string) =>
  class extends ServiceError {
    readonly status = status;
    readonly code = code;
    constructor(message: string = defaultMessage, options?: ErrorOptions) {
      super(message, options);
      this.name = `ServiceError(${code})`;
    }
  };

export class InvalidRequestError extends define(
  400,
  'invalid_request',
  'The request is not valid.',
) {}
export class UnauthenticatedError extends define(
  401,
  'unauthenticated',
  'No verified identity came with the request.',
) {}
export class OrgForbiddenError extends define(
  403,
  'org_forbidden',
  'The caller does not belong to the requested Org.',
) {}
export class OrgNotConfiguredError extends define(
  403,
  'org_not_configured',
  'Trusted authentication is not configured for this Org.',
) {}
export class UserRejectedError extends define(
  403,
  'user_rejected',
  'ThoughtSpot refused to issue a token for this user.',
) {}
export class ThoughtSpotError extends define(
  502,
  'thoughtspot_error',
  'ThoughtSpot did not return a usable answer.',
) {}
export class SecretUnavailableError extends define(
  503,
  'secret_unavailable',
  'The Org secret key could not be read; try again shortly.',
) {}
export class SecretKeyRejectedError extends define(
  503,
  'secret_key_rejected',
  'ThoughtSpot rejected the configured secret key for this Org.',
) {}
export class ThoughtSpotTimeoutError extends define(
  504,
  'thoughtspot_timeout',
  'ThoughtSpot did not answer in time.',
) {}
export class RouteNotFoundError extends define(404, 'not_found', 'No such route.') {}

export class RateLimitedError extends define(
  429,
  'rate_limited',
  'ThoughtSpot is rate limiting token requests; retry later.',
) {
  constructor(retryAfter: string | undefined, options?: ErrorOptions) {
    super(undefined, options);
    if (retryAfter !== undefined) this.headers['Retry-After'] = retryAfter;
  }
}

/**
 * The causes behind an error, as "Name: message", outermost first. Our causes and
 * the SDK's and fetch's errors carry no secret, so these lines are safe to log.
 */
export function causeChain(error: unknown, limit = 3): string[] {
  const lines: string[] = [];
  let cause = error instanceof Error ? error.cause : undefined;
  while (cause instanceof Error && lines.length < limit) {
    lines.push(`${cause.name}: ${cause.message}`.slice(0, 200));
    cause = cause.cause;
  }
  return lines;
}
