import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SPEC_EXAMPLE } from '../support/org-policies.js';
import type { Environment } from './support/environment.js';
import { watchForLeaks } from './support/leak-watch.js';

/**
 * SPEC §7 through the whole handler: the real ThoughtSpot client asks the stand-in for
 * custom (ABAC) tokens whose values come only from verified claims or the backend's
 * attributes, as the token policy says; Orgs without a policy keep full tokens.
 */

const leaks = watchForLeaks();
const CLUSTER_KEY = leaks.key('cluster');
const ORG5_KEY = leaks.key('org5');

// SPEC §7's example, with its store policy on Org 9 (Org 5 here has its own key).
const POLICY = { default: SPEC_EXAMPLE.default, orgs: { '9': SPEC_EXAMPLE.orgs['5'] } };

const json = { accept: 'application/json' };
const body = (response: { body: string }) => JSON.parse(response.body);

describe('the token handler with a token policy', () => {
  let env: Environment;
  beforeAll(async () => {
    env = await leaks.environment({
      clusterKey: CLUSTER_KEY,
      orgKeys: { 5: ORG5_KEY },
      secrets: { 0: CLUSTER_KEY, 5: ORG5_KEY },
      env: { TOKEN_POLICY: JSON.stringify(POLICY) },
    });
  });
  afterAll(() => env.close());
  beforeEach(() => env.ts.resetCounters());

  const customRequests = () =>
    env.ts.requests.filter((request) => request.path === '/api/rest/2.0/auth/token/custom');

  it('mints a custom token whose values are exactly the verified claims the policy names', async () => {
    const claims = {
      email: 'ada@example.com',
      ts_org: '5',
      region: '[EMEA APAC]',
      tenant_ids: '["t 1","t-2"]',
      department: 'ignored',
    };

    const response = await env.invoke({ routeKey: 'GET /token', claims, headers: json });

    expect(response.statusCode).toBe(200);
    expect(body(response)).toMatchObject({ token_type: 'custom', org_id: 5 });
    expect(customRequests()).toHaveLength(1);
    expect(customRequests()[0]?.body).toEqual({
      username: 'ada@example.com',
      secret_key: '[redacted]',
      org_identifier: '5',
      validity_time_in_sec: 300,
      persist_option: 'REPLACE',
      variable_values: [
        { name: 'region', values: ['EMEA', 'APAC'] },
        { name: 'tenant', values: ['t 1', 't-2'] },
      ],
      filter_rules: [{ column_name: 'Region', operator: 'IN', values: ['EMEA', 'APAC'] }],
      auto_create: false,
    });
    expect(env.ts.findToken(body(response).token)).toMatchObject({
      kind: 'custom',
      keyKind: 'org',
      variableValues: [
        { name: 'region', values: ['EMEA', 'APAC'] },
        { name: 'tenant', values: ['t 1', 't-2'] },
      ],
    });
  });

  it('refuses a caller without a required claim (403 policy_denied), sending nothing', async () => {
    const response = await env.invoke({
      routeKey: 'GET /token',
      claims: { email: 'ada@example.com', ts_org: '5' },
    });

    expect(response.statusCode).toBe(403);
    expect(body(response).error).toMatchObject({ code: 'policy_denied' });
    expect(body(response).error.message).toContain('"region"');
    expect(env.ts.requests).toHaveLength(0);
  });

  it('gives all values only through all_values_when', async () => {
    const response = await env.invoke({
      routeKey: 'GET /token',
      claims: { email: 'ada@example.com', ts_org: '5', role: 'analytics_admin' },
    });

    expect(response.statusCode).toBe(200);
    expect(customRequests()[0]?.body).toMatchObject({
      variable_values: [
        { name: 'region', values: ['TS_WILDCARD_ALL'] },
        { name: 'tenant', values: ['TS_WILDCARD_ALL'] },
      ],
      filter_rules: [{ column_name: 'Region', operator: 'IN', values: ['TS_WILDCARD_ALL'] }],
    });
  });

  it('uses the Org policy in place of the default (Org 9 on the fallback key)', async () => {
    const response = await env.invoke({
      routeKey: 'GET /token',
      claims: { email: 'ada@example.com', ts_org: '9', store_id: 42 },
    });

    expect(response.statusCode).toBe(200);
    expect(customRequests()[0]?.body).toMatchObject({
      org_identifier: '9',
      variable_values: [{ name: 'store', values: ['42'] }],
      filter_rules: [],
    });
  });

  it.each([
    ['a security value', { variable_values: [{ name: 'region', values: ['APAC'] }] }],
    ['attributes', { attributes: { region: 'APAC' } }],
    ['an object_id (custom tokens are not object-scoped)', { object_id: 'e65d7d3f' }],
  ])('refuses a browser that sends %s (400)', async (_case, sent) => {
    const response = await env.invoke({
      routeKey: 'POST /token',
      claims: { email: 'ada@example.com', ts_org: '5', region: 'EMEA' },
      body: sent,
    });

    expect(response.statusCode).toBe(400);
    expect(body(response).error.code).toBe('invalid_request');
    expect(env.ts.requests).toHaveLength(0);
  });

  it("mints on the backend route from the backend's attributes", async () => {
    const response = await env.invoke({
      routeKey: 'POST /backend/token',
      iam: true,
      body: { username: 'bob@example.com', org_id: 5, attributes: { region: ['AMER'] } },
      headers: json,
    });

    expect(response.statusCode).toBe(200);
    expect(body(response)).toMatchObject({ token_type: 'custom', username: 'bob@example.com' });
    expect(customRequests()[0]?.body).toMatchObject({
      variable_values: [{ name: 'region', values: ['AMER'] }],
    });
  });

  it.each([
    ['[EMEA]', ['[EMEA]']],
    ['[Q1 2024]', ['[Q1 2024]']],
    [
      ['[Q1 2024]', 'AMER'],
      ['[Q1 2024]', 'AMER'],
    ],
  ])(
    "sends a backend attribute %j verbatim, never split as a list claim's text",
    async (region, sent) => {
      const response = await env.invoke({
        routeKey: 'POST /backend/token',
        iam: true,
        body: { username: 'bob@example.com', org_id: 5, attributes: { region } },
        headers: json,
      });

      expect(response.statusCode).toBe(200);
      expect(customRequests().at(-1)?.body).toMatchObject({
        variable_values: [{ name: 'region', values: sent }],
      });
    },
  );

  it('refuses the backend route without the attributes a policy requires, never a full token', async () => {
    const response = await env.invoke({
      routeKey: 'POST /backend/token',
      iam: true,
      body: { username: 'bob@example.com', org_id: 5 },
    });

    expect(response.statusCode).toBe(403);
    expect(body(response).error.code).toBe('policy_denied');
    expect(env.ts.requests).toHaveLength(0);
  });
});

describe('the token handler with a policy for one Org only', () => {
  let env: Environment;
  beforeAll(async () => {
    env = await leaks.environment({
      clusterKey: CLUSTER_KEY,
      secrets: { 0: CLUSTER_KEY },
      env: { TOKEN_POLICY: JSON.stringify({ orgs: { '9': POLICY.orgs['9'] } }) },
    });
  });
  afterAll(() => env.close());

  it('keeps full tokens for an Org without a policy', async () => {
    const response = await env.invoke({
      routeKey: 'GET /token',
      claims: { email: 'ada@example.com', ts_org: '5' },
      headers: json,
    });

    expect(response.statusCode).toBe(200);
    expect(body(response).token_type).toBe('full');
  });

  it('refuses attributes for an Org without a policy (400)', async () => {
    const response = await env.invoke({
      routeKey: 'POST /backend/token',
      iam: true,
      body: { username: 'bob@example.com', org_id: 5, attributes: { region: 'EMEA' } },
    });

    expect(response.statusCode).toBe(400);
    expect(body(response).error.message).toContain('attributes');
  });
});
