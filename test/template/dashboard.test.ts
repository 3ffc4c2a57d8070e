import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { ROTATION_METRIC } from '../../functions/rotate/rotation-metrics.js';
import { METRIC } from '../../functions/token/request-metrics.js';
import { secretIdOf, startEnvironment } from '../integration/support/environment.js';
import { captureOutput } from '../integration/support/output-capture.js';
import {
  ADMIN_SECRET_ID,
  startRotationEnvironment,
} from '../integration/support/rotation-environment.js';
import { type EmfRecord, emfRecords } from '../support/emf.js';
import { fakeKey } from '../support/fixtures.js';
import {
  loadTemplate,
  resource,
  rotateFunction,
  type Template,
  tokenFunction,
} from './cloudformation.js';
import { DEFAULT_PACKAGE_DIR } from './packaging.js';

/**
 * What the on-call engineer graphs is what the functions emit (STYLE 15). The
 * dashboard's JSON must parse once CloudFormation substitutes it, and every metric it
 * graphs must be named in request-metrics.ts or rotation-metrics.ts and be emitted by
 * the real handlers (configured with the packaged namespace and service name) with
 * exactly the dimensions the graph asks for.
 */

/**
 * Emitted only by a request that waits through a key rotation, which this test does not
 * drive: test/integration/rotation-ride-through.test.ts drives a real rotation and checks
 * that each wait's EMF record carries exactly the namespace, dimensions and values that
 * infra/cloudformation/dashboard.yml graphs RotationWait with.
 */
const EMITTED_IN_ROTATION_TESTS: string[] = [METRIC.rotationWait];
const LAMBDA_METRICS = ['Invocations', 'Errors', 'Duration', 'Throttles'];
const REGION = 'eu-west-1';
const ROTATE_FUNCTION_NAME = 'thoughtspot-token-service-dev-rotate';

const DashboardSchema = z.object({ DashboardBody: z.object({ 'Fn::Sub': z.string() }) });
const BodySchema = z.object({
  widgets: z.array(
    z.object({
      type: z.string(),
      properties: z.object({
        title: z.string().optional(),
        region: z.string().optional(),
        metrics: z.array(z.array(z.unknown())).optional(),
      }),
    }),
  ),
});
type Body = z.infer<typeof BodySchema>;

/** A metric a graph reads; a dimension's value is undefined where SEARCH leaves it open. */
interface Graphed {
  title: string;
  namespace: string;
  name: string;
  dimensions: Record<string, string | undefined>;
  stat?: string;
}

const SEARCH = /^SEARCH\('\{([^}]+)\} MetricName="(\w+)"((?: \w+="[^"]*")*)', '\w+', \d+\)$/;

/** The metrics of one row of a widget's `metrics`: a metric, a SEARCH, or math over other rows (none). */
function graphedIn(title: string, row: unknown[]): Graphed[] {
  const [first, ...rest] = row;
  if (typeof first === 'string') {
    const options = rest.at(-1);
    const pairs = (typeof options === 'object' ? rest.slice(1, -1) : rest.slice(1)) as string[];
    const dimensions = Object.fromEntries(
      pairs.flatMap((value, index) => (index % 2 === 0 ? [[value, pairs[index + 1]]] : [])),
    );
    const stat = typeof options === 'object' ? (options as { stat?: string }).stat : undefined;
    return [
      { title, namespace: first, name: String(rest[0]), dimensions, ...(stat ? { stat } : {}) },
    ];
  }
  const { expression } = z.object({ expression: z.string() }).parse(first);
  const search = SEARCH.exec(expression);
  if (!search) return [];
  const [namespace = '', ...keys] = (search[1] ?? '').split(',');
  const fixed = Object.fromEntries(
    [...(search[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1], match[2]]),
  );
  const dimensions = Object.fromEntries(keys.map((key) => [key, fixed[key]]));
  return [{ title, namespace, name: search[2] ?? '', dimensions }];
}

const graphedMetrics = (body: Body): Graphed[] =>
  body.widgets.flatMap((widget) =>
    (widget.properties.metrics ?? []).flatMap((row) =>
      graphedIn(widget.properties.title ?? '', row),
    ),
  );

/** Does an emitted record carry this metric, with exactly its dimensions and their values? */
const emits = (record: EmfRecord, metric: Graphed) =>
  record.namespace === metric.namespace &&
  record.metrics.includes(metric.name) &&
  [...record.dimensions].sort().join() === Object.keys(metric.dimensions).sort().join() &&
  Object.entries(metric.dimensions).every(
    ([name, value]) => value === undefined || record.values[name] === value,
  );

describe('the on-call dashboard', () => {
  const output = captureOutput();
  let template: Template;
  let source: string;
  let body: Body;
  let emitted: EmfRecord[] = [];

  beforeAll(async () => {
    template = loadTemplate(DEFAULT_PACKAGE_DIR);
    source = resource(template, 'OnCallDashboard', 'AWS::CloudWatch::Dashboard', DashboardSchema)
      .DashboardBody['Fn::Sub'];
    body = BodySchema.parse(
      JSON.parse(
        source
          .replaceAll(`\${AWS::Region}`, REGION)
          .replaceAll(`\${RotateLambdaFunction}`, ROTATE_FUNCTION_NAME),
      ),
    );

    // The token function: a cache miss, a hit, fallback, an error, a stale key.
    const tokenEnv = tokenFunction(template).Environment.Variables;
    const clusterKey = fakeKey('cluster');
    const tokens = await startEnvironment({
      clusterKey,
      secrets: { 0: clusterKey },
      env: {
        POWERTOOLS_SERVICE_NAME: tokenEnv.POWERTOOLS_SERVICE_NAME ?? '',
        POWERTOOLS_METRICS_NAMESPACE: tokenEnv.POWERTOOLS_METRICS_NAMESPACE ?? '',
        SECRET_CACHE_TTL_SECONDS: '1',
      },
    });
    const ask = (claims: Record<string, string>) =>
      tokens.invoke({ routeKey: 'GET /token', claims });
    const ada = { email: 'ada@example.com' };
    const statuses = [await ask(ada), await ask(ada), await ask({ ...ada, ts_org: '9' })];
    statuses.push(await ask({ ...ada, ts_org: 'not-an-org' }));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    tokens.sm.setFault({ kind: 'internal', operation: 'GetSecretValue' });
    statuses.push(await ask(ada));
    await tokens.close();
    expect(statuses.map((response) => response.statusCode)).toEqual([200, 200, 200, 403, 200]);

    // The rotation function: a full rotation, and a step that fails.
    const rotateEnv = rotateFunction(template).Environment.Variables;
    const orgKey = fakeKey('org');
    const rotation = await startRotationEnvironment({
      clusterKey,
      orgKeys: { 5: orgKey },
      secrets: { 5: orgKey },
      adminPassword: fakeKey('admin-password'),
      env: {
        POWERTOOLS_SERVICE_NAME: rotateEnv.POWERTOOLS_SERVICE_NAME ?? '',
        POWERTOOLS_METRICS_NAMESPACE: rotateEnv.POWERTOOLS_METRICS_NAMESPACE ?? '',
      },
    });
    const outcomes = [
      (await rotation.rotate(secretIdOf(5))).outcome.status,
      (await rotation.rotate(ADMIN_SECRET_ID)).outcome.status,
    ];
    await rotation.close();
    expect(outcomes).toEqual(['succeeded', 'failed']);

    emitted = emfRecords(output.text());
  }, 60_000);
  afterAll(() => output.stop());

  it('is JSON once CloudFormation substitutes the region and the function name, and nothing else', () => {
    const references = [...source.matchAll(/\$\{([^}]+)\}/g)].map((match) => match[1]);

    expect(new Set(references)).toEqual(new Set(['AWS::Region', 'RotateLambdaFunction']));
    expect(template.Resources.RotateLambdaFunction).toBeDefined();
    for (const widget of body.widgets.filter((found) => found.type === 'metric')) {
      expect(widget.properties.region, widget.properties.title).toBe(REGION);
    }
  });

  it("graphs the service's own metrics only under names request-metrics.ts or rotation-metrics.ts define", () => {
    const namespace = tokenFunction(template).Environment.Variables.POWERTOOLS_METRICS_NAMESPACE;
    const known = new Set<string>([...Object.values(METRIC), ...Object.values(ROTATION_METRIC)]);
    const own = graphedMetrics(body).filter((metric) => metric.namespace !== 'AWS/Lambda');

    for (const metric of own) {
      expect(metric.namespace, metric.name).toBe(namespace);
      expect(known.has(metric.name), metric.name).toBe(true);
    }
  });

  it('graphs each metric with the dimensions and values the functions emit it with', () => {
    const own = graphedMetrics(body).filter(
      (metric) =>
        metric.namespace !== 'AWS/Lambda' && !EMITTED_IN_ROTATION_TESTS.includes(metric.name),
    );

    expect(own.length).toBeGreaterThan(10);
    for (const metric of own) {
      expect(
        emitted.some((record) => emits(record, metric)),
        `${metric.title}: ${metric.name} ${JSON.stringify(metric.dimensions)}`,
      ).toBe(true);
    }
  });

  it("graphs the rotation function's Lambda metrics by its own name", () => {
    const lambda = graphedMetrics(body).filter((metric) => metric.namespace === 'AWS/Lambda');

    expect(lambda.length).toBeGreaterThan(0);
    for (const metric of lambda) {
      expect(LAMBDA_METRICS).toContain(metric.name);
      expect(metric.dimensions).toEqual({ FunctionName: ROTATE_FUNCTION_NAME });
    }
  });

  it('shows what the on-call engineer asks first: tokens, errors by code, fallback, cache, ThoughtSpot p50/p99, rotations, waits', () => {
    const graphed = graphedMetrics(body);
    const names = new Set(graphed.map((metric) => metric.name));
    const latencyStats = graphed
      .filter((metric) => metric.name === METRIC.upstreamLatency)
      .map((metric) => metric.stat);

    for (const name of [
      METRIC.tokensIssued,
      METRIC.errors,
      METRIC.fallbackUsed,
      METRIC.secretCacheHit,
      METRIC.secretCacheMiss,
      ROTATION_METRIC.step,
      METRIC.rotationWait,
    ]) {
      expect(names.has(name), name).toBe(true);
    }
    expect(latencyStats.sort()).toEqual(['p50', 'p99']);
    expect(graphed.find((metric) => metric.name === METRIC.errors)?.dimensions).toHaveProperty(
      'code',
      undefined,
    );
  });

  it('graphs every rotation-wait metric the token function names', () => {
    const names = new Set(graphedMetrics(body).map((metric) => metric.name));
    const waitMetrics = Object.values(METRIC).filter((name) => /RotationWait/.test(name));

    for (const name of waitMetrics) expect(names.has(name), name).toBe(true);
  });
});
