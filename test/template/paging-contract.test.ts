import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODE_DIMENSION, METRIC } from '../../functions/token/request-metrics.js';
import type { HttpResponse } from '../../functions/token/responses.js';
import type { Environment } from '../integration/support/environment.js';
import { secretIdOf, startEnvironment } from '../integration/support/environment.js';
import { captureOutput } from '../integration/support/output-capture.js';
import { emfRecords } from '../support/emf.js';
import { fakeKey } from '../support/fixtures.js';
import {
  type Alarm,
  AlarmSchema,
  loadTemplate,
  resourcesOfType,
  type Template,
  tokenFunction,
} from './cloudformation.js';
import { DEFAULT_PACKAGE_DIR, ROOT } from './packaging.js';

/**
 * What pages a human is tested (STYLE 15). The alarms of the packaged template, and the
 * Logs Insights queries of docs/operations.md, read metrics and log fields the function
 * emits. This drives the real handler, configured with the packaged function's own
 * metric namespace and service name, through success, fallback, a cache miss and every
 * error code, and checks that each alarm's metric is emitted with exactly its dimensions.
 */

/** The log lines (Powertools Logger JSON) in captured output. */
const logLines = (output: string): Record<string, unknown>[] =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{') && !line.startsWith('{"_aws"'))
    .map((line) => JSON.parse(line));

/** The fields the Logs Insights queries of docs/operations.md read. */
function queryFields(): string[] {
  const doc = readFileSync(path.join(ROOT, 'docs/operations.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## CloudWatch Logs Insights'));
  const block = section.slice(
    section.indexOf('```') + 3,
    section.indexOf('```', section.indexOf('```') + 3),
  );
  const queries = block
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .join('\n')
    .replace(/"[^"]*"/g, '');
  const aliases = new Set([...queries.matchAll(/\bas\s+(\w+)/g)].map((match) => match[1]));
  const KEYWORDS = new Set(
    'fields filter stats count as by sort desc asc and or not ispresent pct max min avg sum bin limit'.split(
      ' ',
    ),
  );
  const words = [...queries.matchAll(/(?<![@\w])([A-Za-z_]\w*)\b/g)].map((match) => match[1] ?? '');
  return [...new Set(words)].filter(
    (word) =>
      !KEYWORDS.has(word) && !aliases.has(word) && !/^\d/.test(word) && !/^\d+m$/.test(word),
  );
}

describe('the paging contract: alarms and runbook queries against what the function emits', () => {
  const output = captureOutput();
  let template: Template;
  let alarms: Map<string, Alarm>;
  let env: Environment;
  const responses = new Map<string, HttpResponse>();
  let emitted = '';

  beforeAll(async () => {
    template = loadTemplate(DEFAULT_PACKAGE_DIR);
    const variables = tokenFunction(template).Environment.Variables;
    alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm', AlarmSchema);

    const clusterKey = fakeKey('cluster');
    env = await startEnvironment({
      clusterKey,
      orgKeys: { 5: fakeKey('org5') },
      secrets: { 0: clusterKey, 7: fakeKey('org7-not-what-thoughtspot-holds') },
      env: {
        POWERTOOLS_SERVICE_NAME: variables.POWERTOOLS_SERVICE_NAME ?? '',
        POWERTOOLS_METRICS_NAMESPACE: variables.POWERTOOLS_METRICS_NAMESPACE ?? '',
        ORG_MAP: JSON.stringify({ acme: 0 }),
        THOUGHTSPOT_TIMEOUT_MS: '600',
        FALLBACK_TO_PRIMARY_ORG: 'true',
        SECRET_CACHE_TTL_SECONDS: '1',
        // Org 15 mints custom tokens, and needs a region claim for them.
        TOKEN_POLICY: JSON.stringify({
          orgs: { '15': { variables: [{ name: 'region', claim: 'region', required: true }] } },
        }),
      },
    });
    const ask = (claims: Record<string, string>, extra: object = {}) =>
      env.invoke({ routeKey: 'GET /token', claims, ...extra });
    const ada = { email: 'ada@example.com' };

    // One request per condition; each error code is produced the way it happens in production.
    responses.set('success, cache miss', await ask(ada));
    responses.set('success, cache hit', await ask(ada));
    responses.set('fallback', await ask({ ...ada, ts_org: '9' }));
    responses.set('invalid_request', await ask(ada, { query: { user: 'mallory' } }));
    responses.set('unauthenticated', await ask({ sub: 'no-username' }));
    responses.set('org_forbidden', await ask({ ...ada, ts_org: 'unknown-org' }));
    responses.set('not_found', await env.invoke({ routeKey: 'GET /nowhere', claims: ada }));
    responses.set('secret_key_rejected', await ask({ ...ada, ts_org: '7' }));
    responses.set('policy_denied', await ask({ ...ada, ts_org: '15' }));
    env.ts.injectFaults({
      kind: 'status',
      status: 400,
      body: '{"error":{"message":{"code":10002}}}',
    });
    responses.set('user_rejected', await ask({ ...ada, ts_org: '12' }));
    env.ts.injectFaults({ kind: 'rate-limit', retryAfterSeconds: 30 });
    responses.set('rate_limited', await ask(ada));
    env.ts.injectFaults(
      ...Array.from({ length: 3 }, () => ({ kind: 'status' as const, status: 500 })),
    );
    responses.set('thoughtspot_error', await ask(ada));
    env.ts.injectFaults({ kind: 'hang' });
    responses.set('thoughtspot_timeout', await ask(ada));
    env.sm.setFault({ kind: 'internal', operation: 'GetSecretValue' });
    responses.set('secret_unavailable', await ask({ ...ada, ts_org: '13' }));
    env.sm.setFault(undefined);
    // Last: without Org 0's key (once the cached one has expired) fallback has nothing to use.
    env.sm.removeSecret(secretIdOf(0));
    await new Promise((resolve) => setTimeout(resolve, 1100));
    responses.set('org_not_configured', await ask({ ...ada, ts_org: '14' }));
    emitted = output.text();
  }, 60_000);
  afterAll(async () => {
    output.stop();
    await env.close();
  });

  it('produced every condition it claims to (the checks below are not vacuous)', () => {
    const statusOf = (name: string) => responses.get(name)?.statusCode;
    expect(statusOf('success, cache miss')).toBe(200);
    expect(statusOf('fallback')).toBe(200);
    for (const [name, response] of responses) {
      if (response.statusCode === 200) continue;
      expect(JSON.parse(response.body).error.code, name).toBe(name);
    }
  });

  it.each([
    'SecretKeyRejectedAlarm',
    'SecretUnavailableAlarm',
    'ThoughtSpotErrorsAlarm',
    'ThoughtSpotTimeoutsAlarm',
    'ThoughtSpotRateLimitedAlarm',
    'PolicyDeniedAlarm',
  ])('%s watches a metric the function emits, with exactly its dimensions', (logicalId) => {
    const alarm = alarms.get(logicalId);
    if (!alarm) throw new Error(`no alarm ${logicalId} in the template`);
    const wanted = Object.fromEntries(alarm.Dimensions.map((d) => [d.Name, d.Value]));

    const matching = emfRecords(emitted).filter(
      (record) =>
        record.namespace === alarm.Namespace &&
        record.metrics.includes(alarm.MetricName) &&
        [...record.dimensions].sort().join() === Object.keys(wanted).sort().join() &&
        Object.entries(wanted).every(([name, value]) => record.values[name] === value),
    );

    expect(matching.length).toBeGreaterThan(0);
  });

  it("covers every alarm on the service's own namespace (a new alarm needs a case above)", () => {
    const namespace = tokenFunction(template).Environment.Variables.POWERTOOLS_METRICS_NAMESPACE;
    const own = [...alarms].filter(([, alarm]) => alarm.Namespace === namespace).map(([id]) => id);
    expect(own.sort()).toEqual(
      [
        'SecretKeyRejectedAlarm',
        'SecretUnavailableAlarm',
        'ThoughtSpotErrorsAlarm',
        'ThoughtSpotRateLimitedAlarm',
        'ThoughtSpotTimeoutsAlarm',
        'PolicyDeniedAlarm',
      ].sort(),
    );
  });

  it('emits Errors with the code dimension for every error code, failed requests included', () => {
    const codes = [...responses.keys()].filter((name) => responses.get(name)?.statusCode !== 200);
    const errorRecords = emfRecords(emitted).filter((record) =>
      record.metrics.includes(METRIC.errors),
    );
    for (const code of codes) {
      expect(
        errorRecords.some((record) => record.values[ERROR_CODE_DIMENSION] === code),
        code,
      ).toBe(true);
    }
  });

  it('emits the success, fallback and cache metrics', () => {
    const names = new Set(emfRecords(emitted).flatMap((record) => record.metrics));
    for (const metric of [
      METRIC.requests,
      METRIC.tokensIssued,
      METRIC.fallbackUsed,
      METRIC.secretCacheMiss,
      METRIC.secretCacheHit,
      METRIC.upstreamLatency,
    ]) {
      expect(names.has(metric), metric).toBe(true);
    }
  });

  it('writes one log line per request, failed ones included, with its error code', () => {
    const lines = logLines(emitted).filter((line) => typeof line.route === 'string');
    expect(lines).toHaveLength(responses.size);
    const codes = lines.map((line) => line.errorCode).filter((code) => code !== undefined);
    expect(new Set(codes)).toEqual(
      new Set([...responses.keys()].filter((name) => responses.get(name)?.statusCode !== 200)),
    );
  });

  it('writes every field the Logs Insights queries of docs/operations.md read', () => {
    const fields = queryFields();
    const seen = new Set(logLines(emitted).flatMap((line) => Object.keys(line)));

    expect(fields.length).toBeGreaterThan(5);
    for (const field of fields) expect(seen.has(field), field).toBe(true);
  });
});
