import { describe, expect, it } from 'vitest';
import { ThoughtSpotError, ThoughtSpotTimeoutError } from '../../functions/lib/errors.js';
import { rejection } from '../support/errors.js';
import { fakeFetch, hang, ok, reply } from '../support/fake-thoughtspot.js';
import { client, mintRequest, newTrace } from '../support/token-client.js';

/** The token client's one deadline for all attempts (THOUGHTSPOT_TIMEOUT_MS, or an earlier one the caller sets). */

describe('createThoughtSpotClient against its deadline', () => {
  it('answers thoughtspot_timeout when ThoughtSpot never answers', async () => {
    // Prepare
    const { fetch } = fakeFetch(hang);
    const started = Date.now();

    // Act
    const error = await rejection(client(fetch, { timeoutMs: 200 })(mintRequest(), newTrace()));
    const elapsed = Date.now() - started;

    // Assess
    expect(error).toBeInstanceOf(ThoughtSpotTimeoutError);
    expect(error).toMatchObject({ status: 504, code: 'thoughtspot_timeout' });
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(200 + 800);
  });

  it('counts retries against the same deadline', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch(reply(500, ''), hang);
    const started = Date.now();
    const trace = newTrace();

    // Act
    // 1 s: room for the retry's backoff even on a loaded machine, so the hang ends it.
    const error = await rejection(client(fetch, { timeoutMs: 1000 })(mintRequest(), trace));
    const elapsed = Date.now() - started;

    // Assess
    expect(error).toBeInstanceOf(ThoughtSpotTimeoutError);
    expect(calls).toHaveLength(2);
    expect(elapsed).toBeLessThan(1000 + 800);
    expect(trace.attempts).toBe(2);
    expect(trace.latencyMs).toBeGreaterThanOrEqual(950);
  });

  it('ends at an earlier deadline the caller sets (the rotation retry shares one deadline)', async () => {
    // Prepare
    const { fetch } = fakeFetch(hang);
    const started = Date.now();

    // Act
    const error = await rejection(
      client(fetch, { timeoutMs: 5000 })(mintRequest(), newTrace(), {
        deadlineAt: started + 200,
      }),
    );
    const elapsed = Date.now() - started;

    // Assess
    expect(error).toBeInstanceOf(ThoughtSpotTimeoutError);
    expect(elapsed).toBeLessThan(200 + 800);
  });

  it('does not start a retry the deadline leaves no room for', async () => {
    // Prepare
    const { fetch, calls } = fakeFetch(reply(500, ''), ok());

    // Act
    const error = await rejection(
      client(fetch, { timeoutMs: 200, backoffBaseMs: 400 })(mintRequest(), newTrace()),
    );

    // Assess
    expect(error).toBeInstanceOf(ThoughtSpotError);
    expect(calls).toHaveLength(1);
  });
});
