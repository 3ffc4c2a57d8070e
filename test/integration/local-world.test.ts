import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { generateDevKeys } from '../../infra/local/dev-keys.js';
import { loadFreshHandler } from '../../infra/local/fresh-handler.js';
import { httpApiEvent, lambdaContext } from '../../infra/local/lambda-events.js';
import { secretIdOf } from '../../infra/local/local-settings.js';
import { type StandIns, startStandIns } from '../../infra/local/stand-ins.js';
import { captureOutput } from './support/output-capture.js';

/**
 * The one local world that `npm start`, these tiers and the benchmarks share:
 * startStandIns wires both stand-ins to the same keys, and every loadFreshHandler
 * is a cold start of its own.
 */

const aliceInOrg5 = () =>
  httpApiEvent({ routeKey: 'GET /token', claims: { email: 'alice@example.com', ts_org: '5' } });

describe('startStandIns and loadFreshHandler', () => {
  // The handler logs as in production; keep it off the test report.
  const output = captureOutput();
  const started: StandIns[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((standIns) => standIns.close()));
  });
  afterAll(() => output.stop());

  it('gives the function an environment in which it mints with the keys both stand-ins share', async () => {
    const keys = generateDevKeys([0, 5]);
    const standIns = await startStandIns({ keys });
    started.push(standIns);

    const { handler, restoreEnv } = await loadFreshHandler(standIns.functionEnv);
    const response = await handler(aliceInOrg5(), lambdaContext());
    restoreEnv();

    expect(response.statusCode).toBe(200);
    expect(standIns.thoughtSpot.findToken(response.body)).toMatchObject({
      username: 'alice@example.com',
      orgId: 5,
      keyKind: 'org',
    });
    expect(standIns.secretsManager.callCount('GetSecretValue', secretIdOf(5))).toBe(1);
  });

  it('loads a new instance each time: its own configuration and its own key cache', async () => {
    const standIns = await startStandIns({ keys: generateDevKeys([0, 5]) });
    started.push(standIns);

    const first = await loadFreshHandler({
      ...standIns.functionEnv,
      TOKEN_VALIDITY_SECONDS: '120',
    });
    const second = await loadFreshHandler({
      ...standIns.functionEnv,
      TOKEN_VALIDITY_SECONDS: '240',
    });
    const fromFirst = await first.handler(aliceInOrg5(), lambdaContext());
    const fromSecond = await second.handler(aliceInOrg5(), lambdaContext());
    await first.handler(aliceInOrg5(), lambdaContext());
    second.restoreEnv();

    expect(standIns.thoughtSpot.findToken(fromFirst.body)?.validitySeconds).toBe(120);
    expect(standIns.thoughtSpot.findToken(fromSecond.body)?.validitySeconds).toBe(240);
    // One lookup per instance: the first instance's third call came from its cache.
    expect(standIns.secretsManager.callCount('GetSecretValue', secretIdOf(5))).toBe(2);
  });

  it('puts back the environment it replaced', async () => {
    const standIns = await startStandIns({ keys: generateDevKeys([0]) });
    started.push(standIns);
    // This process's own values, put back whatever happens below.
    const saved = {
      THOUGHTSPOT_HOST: process.env.THOUGHTSPOT_HOST,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER,
    };
    try {
      process.env.THOUGHTSPOT_HOST = 'https://before.example.com';
      delete process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER;

      const { restoreEnv } = await loadFreshHandler(standIns.functionEnv);
      const during = process.env.THOUGHTSPOT_HOST;
      restoreEnv();

      expect(during).toBe(standIns.thoughtSpotUrl);
      expect(process.env.THOUGHTSPOT_HOST).toBe('https://before.example.com');
      expect(process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER).toBeUndefined();
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('starts no ThoughtSpot stand-in when a real cluster is named, and points the function there', async () => {
    const standIns = await startStandIns({
      keys: generateDevKeys([0]),
      thoughtSpotHost: 'https://analytics.example.com',
    });
    started.push(standIns);

    expect(standIns.thoughtSpot).toBeUndefined();
    expect(standIns.secretsManager?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(standIns.functionEnv).toMatchObject({
      THOUGHTSPOT_HOST: 'https://analytics.example.com',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: standIns.secretsManagerUrl,
    });
  });

  it('stops both stand-ins on close', async () => {
    const standIns = await startStandIns({ keys: generateDevKeys([0]) });
    await standIns.close();

    for (const url of [standIns.secretsManagerUrl, standIns.thoughtSpotUrl]) {
      await expect(fetch(url)).rejects.toThrow();
    }
  });
});
