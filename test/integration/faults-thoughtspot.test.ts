import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_MAX_ATTEMPTS } from '../../functions/lib/thoughtspot/request-core.js';
import type { ThoughtSpotFault } from '../../infra/local/thoughtspot-stand-in.js';
import type { Environment } from './support/environment.js';
import {
  DEADLINE_MS,
  type Expected,
  expectAnswer,
  MARGIN_MS,
  timed,
  watchFaultMatrix,
} from './support/fault-matrix.js';

/**
 * The fault matrix, ThoughtSpot's rows: each way ThoughtSpot (or a proxy in front of
 * it) can fail, against a handler whose keys are cached, with the attempts it should
 * make and the Retry-After it may pass on (support/fault-matrix.ts).
 */

const matrix = watchFaultMatrix();

const times = (count: number, fault: ThoughtSpotFault): ThoughtSpotFault[] =>
  Array.from({ length: count }, () => fault);

/** ThoughtSpot's client makes at most this many attempts (functions/lib/thoughtspot/request-core.ts). */
const MAX_ATTEMPTS = DEFAULT_MAX_ATTEMPTS;

interface ThoughtSpotRow extends Expected {
  when: string;
  faults: ThoughtSpotFault[];
  /** Token requests ThoughtSpot should see. */
  attempts: number;
  retryAfter?: string;
}

const thoughtSpotRows: ThoughtSpotRow[] = [
  ...[500, 502, 503].flatMap((status): ThoughtSpotRow[] => [
    {
      when: `ThoughtSpot answers ${status} once`,
      faults: [{ kind: 'status', status }],
      attempts: 2,
      status: 200,
    },
    {
      when: `ThoughtSpot answers ${status} on every attempt`,
      faults: times(MAX_ATTEMPTS, { kind: 'status', status }),
      attempts: MAX_ATTEMPTS,
      status: 502,
      code: 'thoughtspot_error',
    },
  ]),
  {
    when: 'ThoughtSpot resets the connection once',
    faults: [{ kind: 'reset' }],
    attempts: 2,
    status: 200,
  },
  {
    when: 'ThoughtSpot resets the connection on every attempt',
    faults: times(MAX_ATTEMPTS, { kind: 'reset' }),
    attempts: MAX_ATTEMPTS,
    status: 502,
    code: 'thoughtspot_error',
  },
  {
    when: 'ThoughtSpot never answers',
    faults: [{ kind: 'hang' }],
    attempts: 1,
    status: 504,
    code: 'thoughtspot_timeout',
  },
  {
    when: 'ThoughtSpot answers 300 ms before the deadline',
    faults: [{ kind: 'delay', ms: DEADLINE_MS - 300 }],
    attempts: 1,
    status: 200,
  },
  {
    when: 'ThoughtSpot would answer 500 ms after the deadline',
    faults: [{ kind: 'delay', ms: DEADLINE_MS + 500 }],
    attempts: 1,
    status: 504,
    code: 'thoughtspot_timeout',
  },
  {
    when: 'ThoughtSpot answers 429 with a Retry-After that fits the deadline',
    faults: [{ kind: 'rate-limit', retryAfterSeconds: 1 }],
    attempts: 2,
    status: 200,
  },
  {
    when: 'ThoughtSpot answers 429 with a Retry-After longer than the deadline',
    faults: [{ kind: 'rate-limit', retryAfterSeconds: 30 }],
    attempts: 1,
    status: 429,
    code: 'rate_limited',
    retryAfter: '30',
  },
  {
    when: 'ThoughtSpot answers 429 without Retry-After on every attempt',
    faults: times(MAX_ATTEMPTS, { kind: 'rate-limit' }),
    attempts: MAX_ATTEMPTS,
    status: 429,
    code: 'rate_limited',
  },
  {
    when: 'ThoughtSpot answers 200 with truncated JSON',
    faults: [{ kind: 'malformed' }],
    attempts: 1,
    status: 502,
    code: 'thoughtspot_error',
  },
  {
    when: 'a proxy answers an HTML 502 page once',
    faults: [{ kind: 'html' }],
    attempts: 2,
    status: 200,
  },
  {
    when: 'a proxy answers an HTML 502 page on every attempt',
    faults: times(MAX_ATTEMPTS, { kind: 'html' }),
    attempts: MAX_ATTEMPTS,
    status: 502,
    code: 'thoughtspot_error',
  },
  {
    when: 'ThoughtSpot answers 200 without a token',
    faults: [{ kind: 'missing-token' }],
    attempts: 1,
    status: 502,
    code: 'thoughtspot_error',
  },
];

describe('the token handler under ThoughtSpot faults', () => {
  let env: Environment;
  const claims = { email: 'fault@example.com', ts_org: '5' };
  beforeAll(async () => {
    env = await matrix.warmEnvironment(claims);
  });
  afterAll(() => env.close());
  beforeEach(() => {
    env.ts.clearFaults();
    env.ts.resetCounters();
  });

  it.each(
    thoughtSpotRows.map((row) => ({ ...row, title: `${row.status} ${row.code ?? 'token'}` })),
  )('answers $title when $when, then recovers', async (row) => {
    env.ts.injectFaults(...row.faults);

    const outcome = await timed(env, claims);

    expectAnswer(env, outcome.response, row);
    expect(outcome.elapsedMs).toBeLessThan(DEADLINE_MS + MARGIN_MS);
    expect(env.ts.requests.filter((request) => request.path.includes('/auth/token/'))).toHaveLength(
      row.attempts,
    );
    const { headers } = outcome.response;
    const retryAfter = headers['Retry-After'] ?? headers['retry-after'];
    expect(retryAfter).toBe(row.retryAfter);
    env.ts.clearFaults();
    await matrix.expectRecovery(env, claims, 'org');
  });
});
