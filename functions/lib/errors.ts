/**
 * Every failure a caller can see. Each class fixes its HTTP status and stable
 * `code` (SPEC §3); `message` is always safe to show: it never carries a key,
 * an upstream body or a stack. The original problem travels in `cause`, for
 * the log line only.
 */
/**
 * An error whose message this service wrote itself, from its own words and numbers:
 * the only kind whose message may go into a log line.
 */
export class OwnMessageError extends Error {}

export abstract class ServiceError extends OwnMessageError {
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
/** The token policy needs a claim the caller lacks (SPEC §7). Names the claim, never a value. */
export class PolicyDeniedError extends define(
  403,
  'policy_denied',
  'The token policy needs a claim the caller does not have.',
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

/** The secret's value is not a usable key. Says what is wrong, never what it holds. */
export class SecretValueError extends OwnMessageError {
  override name = 'SecretValueError';
}

/**
 * Error names that may be logged. A name is not always a class's: the AWS SDK names an
 * unmodelled error after the `__type` in the response body, so only these are shown.
 */
const LOGGABLE_NAMES = new Set([
  // JavaScript, fetch and AbortSignal
  'Error',
  'TypeError',
  'SyntaxError',
  'RangeError',
  'AbortError',
  'TimeoutError',
  // AWS SDK and Secrets Manager
  'CredentialsProviderError',
  'AccessDeniedException',
  'DecryptionFailure',
  'ExpiredTokenException',
  'InternalServiceError',
  'InvalidParameterException',
  'InvalidRequestException',
  'InvalidSignatureException',
  'ResourceExistsException',
  'ResourceNotFoundException',
  'ThrottlingException',
  'UnrecognizedClientException',
  'ValidationException',
]);
/** Node's system error codes (ECONNREFUSED, UND_ERR_CONNECT_TIMEOUT). */
const SAFE_CODE = /^[A-Z][A-Z0-9_]{1,39}$/;

/**
 * One error as a log line may show it. Only our own messages are shown: a parser's
 * message quotes its input (a secret value, an upstream body), and an AWS SDK error
 * carries fields copied from the response body. Any other error shows a known name,
 * the HTTP status of an AWS answer, or Node's system error code, and nothing else.
 */
function describeForLog(error: Error): string {
  if (error instanceof OwnMessageError) return `${error.name}: ${error.message}`.slice(0, 200);
  const name = LOGGABLE_NAMES.has(error.name) ? error.name : 'Error';
  const metadata = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata;
  if (metadata !== undefined) {
    const status = metadata.httpStatusCode;
    return typeof status === 'number' ? `${name} (HTTP ${status})` : name;
  }
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && SAFE_CODE.test(code) ? `${name} (${code})` : name;
}

/**
 * What went wrong, safe for a log line, outermost first: a service error's causes (its
 * own code and message are logged apart), or any other error and its causes.
 */
export function causeChain(error: unknown, limit = 4): string[] {
  const lines: string[] = [];
  let cause = error instanceof ServiceError ? error.cause : error;
  while (cause instanceof Error && lines.length < limit) {
    lines.push(describeForLog(cause));
    cause = cause.cause;
  }
  return lines;
}
