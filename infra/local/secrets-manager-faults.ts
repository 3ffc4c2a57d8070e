// Failures a caller of Secrets Manager meets: throttling, 5xx, a denied or
// undecryptable secret, a hung or reset connection. One fault at a time,
// limited to an operation and/or secret and to a number of calls.
import { AwsError } from './secrets-manager-inputs.js';

export type SecretsManagerFaultKind =
  | 'throttle'
  | 'internal'
  | 'access-denied'
  | 'decryption-failure'
  /** Never answers; the socket is destroyed by close(). */
  | 'hang'
  /** Destroys the socket without a response. */
  | 'reset';

export interface SecretsManagerFault {
  kind: SecretsManagerFaultKind;
  /** Only calls to this operation (e.g. 'GetSecretValue'); all operations when omitted. */
  operation?: string;
  /** Only calls naming this SecretId (or Name for CreateSecret); all when omitted. */
  secretId?: string;
  /** How many matching calls fail; unlimited when omitted. */
  times?: number;
}

export interface SecretsManagerCall {
  operation: string;
  secretId?: string;
}

const ERRORS: Record<
  Exclude<SecretsManagerFaultKind, 'hang' | 'reset'>,
  (operation: string) => AwsError
> = {
  throttle: () => new AwsError('ThrottlingException', 'Rate exceeded'),
  internal: () =>
    new AwsError('InternalServiceError', 'An error occurred on the server side.', 500),
  'access-denied': (operation) =>
    new AwsError(
      'AccessDeniedException',
      `User is not authorized to perform: secretsmanager:${operation} on this resource`,
    ),
  'decryption-failure': () =>
    new AwsError(
      'DecryptionFailure',
      "Secrets Manager can't decrypt the protected secret text using the provided KMS key.",
    ),
};

/** The error a fault kind answers with (all kinds but 'hang' and 'reset'). */
export function faultError(
  kind: Exclude<SecretsManagerFaultKind, 'hang' | 'reset'>,
  operation: string,
): AwsError {
  return ERRORS[kind](operation);
}

export class FaultSlot {
  private fault: SecretsManagerFault | undefined;
  private usesLeft = Number.POSITIVE_INFINITY;

  set(fault: SecretsManagerFault | undefined): void {
    this.fault = fault;
    this.usesLeft = fault?.times ?? Number.POSITIVE_INFINITY;
  }

  /** The kind of fault that applies to this call, consuming one of its uses. */
  take(call: SecretsManagerCall): SecretsManagerFaultKind | undefined {
    const fault = this.fault;
    if (!fault) return undefined;
    if (fault.operation !== undefined && fault.operation !== call.operation) return undefined;
    if (fault.secretId !== undefined && fault.secretId !== call.secretId) return undefined;
    this.usesLeft -= 1;
    if (this.usesLeft <= 0) this.fault = undefined;
    return fault.kind;
  }
}
