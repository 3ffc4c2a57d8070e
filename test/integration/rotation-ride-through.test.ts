import { readFileSync } from 'node:fs';
import { GetSecretValueCommand, RotateSecretCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { DEFAULT_ROTATION_POLL_INTERVAL_MS } from '../../functions/lib/rotation-watch.js';
import { parseSecretValue } from '../../functions/lib/secret-keys.js';
import { METRIC } from '../../functions/token/request-metrics.js';
import { rotationWaits } from '../resilience/support/load-figures.js';
import { emfRecords } from '../support/emf.js';
import { type Environment, secretIdOf } from './support/environment.js';
import { watchForLeaks } from './support/leak-watch.js';
import { smClient } from './support/stand-in-clients.js';
import { testRotationFunction } from './support/test-rotation-function.js';

/**
 * SPEC §5 end to end: the whole handler keeps answering while Secrets Manager rotates an
 * Org's key through a rotation function that disables and re-enables trusted auth in the
 * ThoughtSpot stand-in (the old key dies at once) and stores the new key as AWSPENDING a
 * while later. Token requests run throughout; none may fail. Real SDK, real HTTP. After
 * every test: no key, the rotated ones included, in a log line (leak-watch.ts).
 */

const leaks = watchForLeaks();
const key = leaks.key;

const CLUSTER_KEY = key('cluster');
const ORG5_KEY = key('org5');
const ADMIN = { username: 'tsadmin', password: key('admin-password') };
const LAMBDA_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:test-rotate-key';
/** The rotation's window with no readable valid key, and the one with only AWSPENDING's. */
const KEYLESS_MS = 400;
const PENDING_ONLY_MS = 400;
/** rotation-watch.ts: looks at one secret start at least this far apart. */
const POLL_MS = DEFAULT_ROTATION_POLL_INTERVAL_MS;

/** The function's service name and metrics namespace, for the dashboard's placeholders. */
const SERVICE = 'thoughtspot-token-service-ride-through';
const NAMESPACE = 'ThoughtSpotTokenServiceRideThrough';

const CALLERS = {
  ownKey: { email: 'alice@example.com', ts_org: '5' },
  fallback: { email: 'bob@example.com', ts_org: '9' },
  primary: { email: 'carol@example.com', ts_org: '0' },
};

interface Outcome {
  status: number;
  ms: number;
}

describe('token requests during an automated rotation', () => {
  let env: Environment;
  let rotation: ReturnType<typeof testRotationFunction>;
  let rotator: ReturnType<typeof smClient>;
  beforeAll(async () => {
    env = await leaks.environment({
      clusterKey: CLUSTER_KEY,
      orgKeys: { 5: ORG5_KEY },
      secrets: { 0: CLUSTER_KEY, 5: JSON.stringify({ secret_key: ORG5_KEY }) },
      users: [{ ...ADMIN, privileges: ['CONTROL_TRUSTED_AUTH'] }],
      env: { POWERTOOLS_SERVICE_NAME: SERVICE, POWERTOOLS_METRICS_NAMESPACE: NAMESPACE },
    });
    rotation = testRotationFunction({
      smUrl: env.sm.url,
      tsUrl: env.ts.url,
      admin: ADMIN,
      keylessMs: KEYLESS_MS,
      pendingOnlyMs: PENDING_ONLY_MS,
    });
    env.sm.registerRotationFunction(LAMBDA_ARN, rotation.fn);
    rotator = smClient(env.sm.url);
  });
  afterAll(async () => {
    rotator.destroy();
    rotation.close();
    await env.close();
  });

  const invoke = (claims: Record<string, string>) => env.invoke({ routeKey: 'GET /token', claims });

  /**
   * Rotates the Org's secret while two request loops per caller run, from before
   * RotateSecret until after the rotation ended. Returns every outcome, the rotation's
   * duration and the token function's own Secrets Manager calls meanwhile.
   */
  async function rotateUnderLoad(orgId: number) {
    for (const claims of Object.values(CALLERS))
      expect((await invoke(claims)).statusCode).toBe(200);
    env.sm.resetCalls();
    const before = {
      describe: rotation.callCount('DescribeSecret'),
      get: rotation.callCount('GetSecretValue'),
    };
    const outcomes: Outcome[] = [];
    let running = true;
    const loop = async (claims: Record<string, string>) => {
      while (running) {
        const started = performance.now();
        const response = await invoke(claims);
        outcomes.push({ status: response.statusCode, ms: performance.now() - started });
        await new Promise((resolve) => setImmediate(resolve));
      }
    };
    const loops = Object.values(CALLERS).flatMap((claims) => [loop(claims), loop(claims)]);

    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    await rotator.send(
      new RotateSecretCommand({ SecretId: secretIdOf(orgId), RotationLambdaARN: LAMBDA_ARN }),
    );
    const result = await env.sm.rotationSettled(secretIdOf(orgId));
    const rotationMs = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 200));
    running = false;
    await Promise.all(loops);

    const tokenFunction = {
      describeSecret:
        env.sm.callCount('DescribeSecret') -
        (rotation.callCount('DescribeSecret') - before.describe),
      getSecretValue:
        env.sm.callCount('GetSecretValue') - (rotation.callCount('GetSecretValue') - before.get),
    };
    return { result, outcomes, rotationMs, tokenFunction };
  }

  /** The one-container bound of rotation-watch.ts, for a rotation of `ms`, per secret. */
  const looksWithin = (ms: number) => Math.ceil(ms / POLL_MS) + 1;

  it.each([
    ['an Org with its own key', 5, [5]],
    ['Org 0, whose key Org 9 borrows', 0, [0, 9]],
  ])(
    'loses no request while %s is rotated, logging and counting each wait',
    async (_case, orgId, waiting) => {
      const oldKey = env.ts.keyOf(orgId);

      const { result, outcomes, rotationMs, tokenFunction } = await rotateUnderLoad(orgId);

      expect(result?.status).toBe('succeeded');
      const newKey = env.ts.keyOf(orgId);
      expect(newKey).toEqual(expect.any(String));
      expect(newKey).not.toBe(oldKey);
      if (newKey) leaks.remember(newKey);
      expect(outcomes.filter((outcome) => outcome.status !== 200)).toEqual([]);
      expect(outcomes.length).toBeGreaterThan(30);
      // Some requests did wait: the slowest covers most of the keyless window.
      expect(Math.max(...outcomes.map((outcome) => outcome.ms))).toBeGreaterThan(KEYLESS_MS / 2);
      // One container, one secret rotating: one look per interval at most, each one
      // DescribeSecret and at most one AWSPENDING read; plus a few AWSCURRENT reads
      // (forced refetch at most every 5 s, the read when AWSCURRENT moved).
      expect(tokenFunction.describeSecret).toBeLessThanOrEqual(looksWithin(rotationMs));
      expect(tokenFunction.getSecretValue).toBeLessThanOrEqual(looksWithin(rotationMs) + 4);
      // Afterwards the function mints with the new key from its cache, without waiting.
      env.sm.resetCalls();
      const after = await invoke(orgId === 0 ? CALLERS.fallback : CALLERS.ownKey);
      expect(after.statusCode).toBe(200);
      expect(env.sm.callCount()).toBe(0);
      const stored = await rotator.send(new GetSecretValueCommand({ SecretId: secretIdOf(orgId) }));
      expect(parseSecretValue(stored.SecretString)).toBe(newKey);
      // Exactly the callers whose key was rotating waited, and each wait was counted.
      expect(new Set(rotationWaits(leaks.logs()).map((wait) => wait.orgId))).toEqual(
        new Set(waiting),
      );
      expect(leaks.logs()).toMatch(/"RotationWait":\s*\[?\d/);
      // Each wait was counted under the namespace and dimensions the on-call dashboard
      // graphs (test/template/dashboard.test.ts leaves this metric to this test).
      const graphed = dashboardRotationWait();
      const counted = emfRecords(leaks.logs()).filter((record) =>
        record.metrics.includes(METRIC.rotationWait),
      );
      expect(counted.length).toBeGreaterThan(0);
      for (const record of counted) {
        expect(record.namespace).toBe(graphed.namespace);
        expect([...record.dimensions].sort()).toEqual(Object.keys(graphed.dimensions).sort());
        for (const [name, value] of Object.entries(graphed.dimensions)) {
          expect(record.values[name], name).toBe(value);
        }
      }
    },
  );
});

const DASHBOARD = new URL('../../infra/cloudformation/dashboard.yml', import.meta.url);
const DashboardYamlSchema = z.object({
  Resources: z.object({
    OnCallDashboard: z.object({
      Properties: z.object({ DashboardBody: z.object({ 'Fn::Sub': z.string() }) }),
    }),
  }),
});
const DashboardBodySchema = z.object({
  widgets: z.array(
    z.object({
      properties: z.object({ metrics: z.array(z.array(z.unknown())).optional() }),
    }),
  ),
});

/**
 * The namespace and dimensions (name → value) infra/cloudformation/dashboard.yml graphs
 * RotationWait with, for a function whose service name and namespace are SERVICE and
 * NAMESPACE. Every graph of it must agree.
 */
function dashboardRotationWait() {
  const yaml = DashboardYamlSchema.parse(parseYaml(readFileSync(DASHBOARD, 'utf8')));
  const source = yaml.Resources.OnCallDashboard.Properties.DashboardBody['Fn::Sub']
    .replaceAll(`\${self:custom.metricsNamespace}`, NAMESPACE)
    .replaceAll(`\${self:custom.powertoolsServiceName}`, SERVICE)
    .replaceAll(/\$\{[^}]+\}/g, 'substituted');
  const rows = DashboardBodySchema.parse(JSON.parse(source))
    .widgets.flatMap((widget) => widget.properties.metrics ?? [])
    .filter((row) => row[1] === METRIC.rotationWait);
  const graphs = rows.map((row) => {
    const [namespace, , ...rest] = row;
    const pairs = rest.filter((item) => typeof item === 'string');
    const dimensions = Object.fromEntries(
      pairs.flatMap((name, index) => (index % 2 === 0 ? [[name, pairs[index + 1]]] : [])),
    );
    return { namespace, dimensions };
  });
  const [first] = graphs;
  if (!first) throw new Error('the dashboard graphs no RotationWait');
  for (const graph of graphs) expect(graph).toEqual(first);
  return first;
}
