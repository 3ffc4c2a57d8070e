import * as fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendText } from '../../infra/local/http-server.js';
import {
  type Environment,
  secretIdOf,
  startEnvironment,
} from '../integration/support/environment.js';
import { captureOutput } from '../integration/support/output-capture.js';
import {
  type ScriptedServer,
  startScriptedServer,
} from '../integration/support/scripted-server.js';
import { fakeKey } from '../support/fixtures.js';
import { contractViolation } from './support/contract.js';
import { specAllowsUsername } from './support/spec-username.js';
import * as arb from './support/trust-arbitraries.js';

/**
 * SPEC §8 as properties over generated input, through the real handler, the real
 * ThoughtSpot client and the real AWS SDK on 127.0.0.1:
 * - a username is sent to ThoughtSpot byte for byte, or refused with nothing sent;
 * - a secret value, however it is shaped or answered, never appears in any output.
 */

const output = captureOutput();
const CLUSTER_KEY = fakeKey('cluster');
const utf8 = (text: string) => Buffer.from(text, 'utf8');

describe('usernames, on both routes', () => {
  let env: Environment;
  beforeAll(async () => {
    env = await startEnvironment({ clusterKey: CLUSTER_KEY, secrets: { 0: CLUSTER_KEY } });
  });
  afterAll(() => env.close());

  const sentUsernames = () =>
    env.ts.requests.map((request) => request.body?.username).filter((name) => name !== undefined);

  it('are sent byte for byte, or refused with nothing sent to ThoughtSpot', async () => {
    const tally = { sent: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(arb.username, fc.boolean(), async (name, backend) => {
        env.ts.resetCounters();
        const response = await env.invoke(
          backend
            ? { routeKey: 'POST /backend/token', iam: true, body: { username: name, org_id: 0 } }
            : { routeKey: 'GET /token', claims: { email: name } },
        );
        expect(contractViolation(response)).toBeUndefined();
        const sent = sentUsernames();
        if (response.statusCode === 200) {
          tally.sent += 1;
          expect(sent).toHaveLength(1);
          expect(utf8(String(sent[0])).equals(utf8(name))).toBe(true);
          expect(sent[0]).toBe(name);
          expect(specAllowsUsername(name)).toBe(true);
        } else {
          tally.refused += 1;
          expect(response.statusCode).toBe(backend ? 400 : 401);
          expect(sent).toHaveLength(0);
          expect(specAllowsUsername(name)).toBe(false);
        }
      }),
      { numRuns: 1500 },
    );
    process.stdout.write(`usernames: ${tally.sent} sent verbatim, ${tally.refused} refused\n`);
    // Not vacuous: both outcomes happened many times.
    expect(tally.sent).toBeGreaterThan(100);
    expect(tally.refused).toBeGreaterThan(100);
  });
});

/** Runs per property over secret values. */
const SECRET_RUNS = 300;

/**
 * What a property's runs logged (`logs`) and answered (`responses`) holds no generated
 * secret (`seen`), in any spelling, nor any of its markers; and the check saw them all.
 */
function expectNoTrace(seen: arb.GeneratedSecret[], responses: string[], logs: string) {
  expect(seen.length).toBeGreaterThanOrEqual(SECRET_RUNS);
  expect(logs).toContain('"errorCode":"secret_unavailable"');
  const sent = responses.join('\n');
  for (const secret of seen) {
    for (const text of [secret.value, JSON.stringify(secret.value), ...secret.markers]) {
      expect(logs).not.toContain(text);
      expect(sent).not.toContain(text);
    }
  }
}

/** A GET /token that must end in a documented 503; its response as text, for the trace check. */
async function unavailableAnswer(environment: Environment): Promise<string> {
  const response = await environment.invoke({
    routeKey: 'GET /token',
    claims: { email: 'ada@example.com' },
  });
  expect(contractViolation(response)).toBeUndefined();
  expect(response.statusCode).toBe(503);
  return JSON.stringify(response);
}

describe('secret values', () => {
  let stored: Environment;
  let broken: Environment;
  let secretsManager: ScriptedServer;
  beforeAll(async () => {
    // TTL 0: every request reads the secret again, so each generated value is used.
    stored = await startEnvironment({
      clusterKey: CLUSTER_KEY,
      env: { SECRET_CACHE_TTL_SECONDS: '0', SECRET_MAX_STALE_SECONDS: '0' },
    });
    secretsManager = await startScriptedServer();
    broken = await startEnvironment({
      clusterKey: CLUSTER_KEY,
      env: {
        AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url,
        SECRET_CACHE_TTL_SECONDS: '0',
        SECRET_MAX_STALE_SECONDS: '0',
      },
    });
  });
  afterAll(async () => {
    await Promise.all([stored.close(), broken.close()]);
    await secretsManager.close();
    output.stop();
  });

  it('stored in any form, never reach a log line or a response', async () => {
    const seen: arb.GeneratedSecret[] = [];
    const responses: string[] = [];
    const logsFrom = output.text().length;

    await fc.assert(
      fc.asyncProperty(arb.secret, arb.secretForm, async (secret, form) => {
        seen.push(secret);
        stored.sm.setSecret(secretIdOf(0), arb.storedAs(form, secret.value));
        responses.push(await unavailableAnswer(stored));
      }),
      { numRuns: SECRET_RUNS },
    );

    expectNoTrace(seen, responses, output.text().slice(logsFrom));
  });

  it('answered by a broken Secrets Manager, never reach a log line or a response', async () => {
    const seen: arb.GeneratedSecret[] = [];
    const responses: string[] = [];
    const logsFrom = output.text().length;

    await fc.assert(
      fc.asyncProperty(
        arb.secret.chain((secret) => fc.tuple(fc.constant(secret), arb.brokenAnswer(secret.value))),
        async ([secret, answer]) => {
          seen.push(secret);
          secretsManager.answer = (_req, res) =>
            sendText(res, answer.status, answer.body, 'application/x-amz-json-1.1');
          responses.push(await unavailableAnswer(broken));
        },
      ),
      { numRuns: SECRET_RUNS },
    );

    expectNoTrace(seen, responses, output.text().slice(logsFrom));
  });
});
