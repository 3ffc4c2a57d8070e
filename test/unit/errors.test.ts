import {
  ResourceNotFoundException,
  SecretsManagerServiceException,
} from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import {
  causeChain,
  SecretUnavailableError,
  SecretValueError,
  ThoughtSpotError,
} from '../../functions/lib/errors.js';
import { parseSecretValue } from '../../functions/lib/secret-keys.js';
import { TokenRejectedError } from '../../functions/lib/thoughtspot.js';
import { thrownAs } from '../support/errors.js';

/** Secret values shaped to slip through quoting: quotes, braces, JSON fragments, newlines. */
const SECRETS = [
  'KEY-"quoted"-{brace}-0d6f',
  '{"secret_key": "KEY-in-json-7a1c"}',
  '"}, "injected": "KEY-fragment-93be',
  'KEY-\\u0022escaped\\n-44c2',
  'KEY-line\nbreak-b81e',
];

/** The JSON parser's own error for text holding `secret`: it quotes part of its input. */
const parserError = (secret: string): SyntaxError =>
  thrownAs(SyntaxError, () => JSON.parse(`x${secret}`));

const wrapped = (cause: unknown) =>
  new SecretUnavailableError(undefined, { cause: new Error('lookup failed', { cause }) });

describe('causeChain', () => {
  it.each(SECRETS)('keeps a parser error quoting the secret %j out of the log line', (secret) => {
    // Prepare
    const error = wrapped(parserError(secret));
    const quoted = (error.cause as Error).cause as Error;

    // Act
    const line = causeChain(error).join(' <- ');

    // Assess: the parser did quote it, and the log line does not.
    expect(quoted.message).toContain(secret.slice(0, 8));
    expect(line).toBe('Error <- SyntaxError');
    expect(line).not.toContain('KEY');
  });

  it.each(SECRETS)(
    'keeps an AWS error whose name and message came from the response body out (%j)',
    (secret) => {
      // Prepare
      const upstream = new SecretsManagerServiceException({
        name: secret,
        $fault: 'client',
        $metadata: { httpStatusCode: 400 },
        message: secret,
      });

      // Act
      const line = causeChain(new SecretUnavailableError(undefined, { cause: upstream })).join();

      // Assess
      expect(line).toBe('Error (HTTP 400)');
    },
  );

  it('shows a modelled AWS error by its name and HTTP status, not its message', () => {
    // Prepare
    const upstream = new ResourceNotFoundException({
      $metadata: { httpStatusCode: 400 },
      message: 'KEY-in-a-message',
    });

    // Act
    const line = causeChain(new SecretUnavailableError(undefined, { cause: upstream })).join();

    // Assess
    expect(line).toBe('ResourceNotFoundException (HTTP 400)');
  });

  it("shows Node's system error code for a network failure", () => {
    // Prepare
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
    });
    const error = new ThoughtSpotError('ThoughtSpot could not be reached.', {
      cause: new TypeError('fetch failed', { cause: refused }),
    });

    // Act
    const lines = causeChain(error);

    // Assess
    expect(lines).toEqual(['TypeError', 'Error (ECONNREFUSED)']);
  });

  it('shows the messages this service wrote itself', () => {
    // Prepare
    const error = new SecretUnavailableError(undefined, {
      cause: new SecretValueError('secret holds malformed JSON'),
    });

    // Act
    const lines = causeChain(error);

    // Assess
    expect(lines).toEqual(['SecretValueError: secret holds malformed JSON']);
  });

  it('shows an unexpected error itself, by name only', () => {
    expect(causeChain(new RangeError('KEY-in-a-range-error'))).toEqual(['RangeError']);
    expect(causeChain(new TokenRejectedError(401, 10097))).toEqual([
      'TokenRejectedError: ThoughtSpot answered 401 (code 10097)',
    ]);
  });
});

describe('parseSecretValue errors', () => {
  it.each(SECRETS)('say what is wrong without quoting the value (%j)', (secret) => {
    // Prepare
    const malformed = `{"secret_key": "${secret}`;

    // Act
    const caught = thrownAs(SecretValueError, () => parseSecretValue(malformed));

    // Assess
    expect(causeChain(caught).join()).toBe('SecretValueError: secret holds malformed JSON');
    expect(String(caught.stack)).not.toContain('KEY');
  });
});
