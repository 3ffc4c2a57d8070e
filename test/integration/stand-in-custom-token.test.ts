// The ThoughtSpot stand-in's `custom` (ABAC) token endpoint, through Node's fetch
// over a real socket: ThoughtSpot's request rules (THOUGHTSPOT-FACTS §1.3,
// AWS-AND-ABAC-FACTS §4), the key rules it shares with full tokens, its
// `AccessToken` answer (§1.4), and the record of what each token carried.
import {
  createConfiguration,
  GetCustomAccessTokenRequest,
  ServerConfiguration,
  ThoughtSpotRestApi,
} from '@thoughtspot/rest-api-sdk';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { useThoughtSpotStandIn } from './support/stand-in-clients.js';

const CLUSTER_KEY = 'cluster-key-7d21c4';
/** The Org the tests mint for: its id, its name as the stand-in answers it, and its own key. */
const ACME = { id: 5, name: 'Acme', key: 'org-key-5-a93e' } as const;
const CUSTOM_PATH = '/api/rest/2.0/auth/token/custom';

const AccessTokenSchema = z.strictObject({
  id: z.uuid(),
  token: z.string().regex(/^tsstandin-token-[0-9a-f]{24}$/),
  org: z.strictObject({ id: z.number(), name: z.string() }),
  user: z.strictObject({ id: z.uuid(), name: z.string() }),
  creation_time_in_millis: z.number(),
  expiration_time_in_millis: z.number(),
});
const ErrorSchema = z.object({
  error: z.object({ message: z.object({ code: z.number(), debug: z.string() }) }),
});

/** A request as the token service sends it for a region policy; `overrides` replace fields. */
const customRequest = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  username: 'alice@example.com',
  secret_key: CLUSTER_KEY,
  org_identifier: String(ACME.id),
  validity_time_in_sec: 300,
  persist_option: 'REPLACE',
  variable_values: [{ name: 'region', values: ['EMEA'] }],
  filter_rules: [{ column_name: 'Region', operator: 'IN', values: ['EMEA'] }],
  auto_create: false,
  ...overrides,
});

describe('ThoughtSpot stand-in: POST /api/rest/2.0/auth/token/custom', () => {
  const ts = useThoughtSpotStandIn({
    clusterKey: CLUSTER_KEY,
    orgKeys: { [ACME.id]: ACME.key },
    orgs: { [ACME.id]: ACME.name, 7: 'Globex' },
  });

  async function post(body: unknown, path = CUSTOM_PATH) {
    const response = await fetch(`${ts.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, text: await response.text() };
  }

  async function mint(body: unknown) {
    const { status, text } = await post(body);
    expect(status, text).toBe(200);
    return AccessTokenSchema.parse(JSON.parse(text));
  }

  /** The refusal's status and code; nothing may have been minted. */
  async function refusal(body: unknown) {
    const { status, text } = await post(body);
    const { code, debug } = ErrorSchema.parse(JSON.parse(text)).error.message;
    expect(ts.minted).toEqual([]);
    return { status, code, debug, text };
  }

  it('mints with the cluster key for any Org and an Org key for its own, answering an AccessToken with the Org and user', async () => {
    const withClusterKey = await mint(customRequest());
    const withOrgKey = await mint(customRequest({ secret_key: ACME.key }));
    const inPrimary = await mint(customRequest({ org_identifier: '0' }));
    const inUnlistedOrg = await mint(customRequest({ org_identifier: '42' }));

    expect(withClusterKey.org).toEqual({ id: ACME.id, name: ACME.name });
    expect(withClusterKey.user.name).toBe('alice@example.com');
    expect(withClusterKey.expiration_time_in_millis - withClusterKey.creation_time_in_millis).toBe(
      300_000,
    );
    expect(withOrgKey.org).toEqual({ id: ACME.id, name: ACME.name });
    expect(inPrimary.org).toEqual({ id: 0, name: 'Primary' });
    expect(inUnlistedOrg.org).toEqual({ id: 42, name: 'Org 42' });
    expect(new Set([withClusterKey, withOrgKey, inPrimary].map((t) => t.user.id)).size).toBe(1);
    expect(new Set([withClusterKey, withOrgKey].map((t) => t.id)).size).toBe(2);
    expect(ts.minted.map((m) => [m.kind, m.orgId, m.keyKind])).toEqual([
      ['custom', ACME.id, 'cluster'],
      ['custom', ACME.id, 'org'],
      ['custom', 0, 'cluster'],
      ['custom', 42, 'cluster'],
    ]);
    expect(ts.isValid(withOrgKey.token)).toBe(true);
  });

  it("gives a user the same id as full tokens do, and reads org_identifier as an Org's name or, left out, the key's Org", async () => {
    const full = await post(
      { username: 'bob', secret_key: CLUSTER_KEY, org_id: 7 },
      '/api/rest/2.0/auth/token/full',
    );
    const byName = await mint(customRequest({ username: 'bob', org_identifier: 'Globex' }));
    const orgKeyOnly = await mint(
      customRequest({ secret_key: ACME.key, org_identifier: undefined }),
    );
    const clusterKeyOnly = await mint(customRequest({ org_identifier: undefined }));

    expect(byName.user.id).toBe(JSON.parse(full.text).valid_for_user_id);
    expect(byName.org).toEqual({ id: 7, name: 'Globex' });
    expect(orgKeyOnly.org).toEqual({ id: ACME.id, name: ACME.name });
    expect(clusterKeyOnly.org).toEqual({ id: 0, name: 'Primary' });
  });

  it('records the ABAC values exactly as received, and keeps the key out of the request log', async () => {
    const values = [
      'EMEA',
      ' padded ',
      '',
      'Zürich',
      '<script>alert(1)</script>',
      'TS_WILDCARD_ALL',
    ];
    const request = customRequest({
      persist_option: 'APPEND',
      variable_values: [
        { name: 'region', values },
        { name: 'tenant', values: [] },
      ],
      filter_rules: [
        { column_name: 'Region', operator: 'IN', values },
        { column_name: 'Amount', operator: 'BW_INC', values: ['10', '20'] },
      ],
    });

    const out = await mint(request);

    expect(ts.findToken(out.token)).toMatchObject({
      kind: 'custom',
      username: 'alice@example.com',
      orgId: ACME.id,
      persistOption: 'APPEND',
      variableValues: request.variable_values,
      filterRules: request.filter_rules,
    });
    expect(ts.minted).toHaveLength(1);
    expect(ts.requests).toEqual([
      { method: 'POST', path: CUSTOM_PATH, body: { ...request, secret_key: '[redacted]' } },
    ]);
    expect(JSON.stringify([ts.requests, ts.minted])).not.toContain(CLUSTER_KEY);
  });

  it('leaves variable values and filter rules out of the record when the request leaves them out', async () => {
    const onlyRules = await mint(customRequest({ variable_values: undefined }));
    const onlyVariables = await mint(customRequest({ filter_rules: undefined }));

    expect(ts.findToken(onlyRules.token)).not.toHaveProperty('variableValues');
    expect(ts.findToken(onlyRules.token)?.filterRules).toHaveLength(1);
    expect(ts.findToken(onlyVariables.token)).not.toHaveProperty('filterRules');
  });

  it('requires persist_option, takes REPLACE and APPEND, and refuses RESET and NONE with variable_values', async () => {
    expect(await refusal(customRequest({ persist_option: undefined }))).toMatchObject({
      status: 400,
      code: 10002,
      debug: expect.stringContaining('persist_option is required'),
    });
    expect(await refusal(customRequest({ persist_option: 'MERGE' }))).toMatchObject({
      status: 400,
      code: 10002,
    });
    for (const option of ['RESET', 'NONE']) {
      expect(await refusal(customRequest({ persist_option: option }))).toMatchObject({
        status: 400,
        code: 10002,
        debug: 'RESET and NONE are not applicable if you are setting variable_values',
      });
      expect(
        await refusal(customRequest({ persist_option: option, variable_values: [] })),
      ).toMatchObject({ status: 400 });
    }

    // Legacy options still carry filter rules alone, as ThoughtSpot allows.
    const legacy = await mint(
      customRequest({ persist_option: 'NONE', variable_values: undefined }),
    );
    const replace = await mint(customRequest({ persist_option: 'REPLACE' }));
    const append = await mint(customRequest({ persist_option: 'APPEND' }));
    expect([legacy, replace, append].map((out) => ts.findToken(out.token)?.persistOption)).toEqual([
      'NONE',
      'REPLACE',
      'APPEND',
    ]);
  });

  it('creates users unless auto_create is false (custom defaults to true), and records the JIT fields', async () => {
    const byDefault = await mint(customRequest({ auto_create: undefined }));
    const asNull = await mint(customRequest({ auto_create: null }));
    const off = await mint(customRequest({ auto_create: false }));
    const provisioned = await mint(
      customRequest({
        auto_create: true,
        email: 'alice@example.com',
        display_name: 'Alice',
        groups: [{ identifier: 'analysts' }, { identifier: 'emea' }],
        validity_time_in_sec: 1800,
      }),
    );

    expect([byDefault, asNull, off].map((out) => ts.findToken(out.token)?.autoCreate)).toEqual([
      true,
      true,
      false,
    ]);
    expect(ts.findToken(provisioned.token)).toMatchObject({
      autoCreate: true,
      email: 'alice@example.com',
      displayName: 'Alice',
      groups: ['analysts', 'emea'],
      validitySeconds: 1800,
    });
  });

  it('answers a wrong key, or an Org key for another Org, with 401 code 10097 without echoing the key', async () => {
    const wrong = await refusal(customRequest({ secret_key: 'wrong-key-zzz' }));
    const otherOrg = await refusal(customRequest({ secret_key: ACME.key, org_identifier: '7' }));
    const primary = await refusal(customRequest({ secret_key: ACME.key, org_identifier: '0' }));

    for (const answer of [wrong, otherOrg, primary]) {
      expect(answer).toMatchObject({ status: 401, code: 10097 });
    }
    expect(wrong.text).not.toContain('wrong-key-zzz');
  });

  it('answers 403 code 10023 for an Org with trusted auth disabled, whichever key', async () => {
    ts.disableOrg(ACME.id);
    try {
      expect(await refusal(customRequest())).toMatchObject({ status: 403, code: 10023 });
      expect(await refusal(customRequest({ secret_key: ACME.key }))).toMatchObject({
        status: 403,
        code: 10023,
      });
    } finally {
      ts.enableOrg(ACME.id);
    }
    await mint(customRequest());
  });

  it.each([
    ['no username', { username: undefined }],
    ['no secret_key', { secret_key: undefined }],
    ['a password besides the key', { password: 'pw' }],
    ['org_identifier as a number', { org_identifier: ACME.id }],
    ['an Org name the cluster does not know', { org_identifier: 'Initech' }],
    ['a number among the values', { variable_values: [{ name: 'region', values: [7] }] }],
    ['values that are not a list', { variable_values: [{ name: 'region', values: 'EMEA' }] }],
    ['a variable without a name', { variable_values: [{ values: ['EMEA'] }] }],
    [
      'an unknown operator',
      { filter_rules: [{ column_name: 'Region', operator: 'MATCHES', values: ['x'] }] },
    ],
    ['groups as names', { groups: ['analysts'] }],
  ])('answers 400 code 10002 for %s', async (_, overrides) => {
    expect(await refusal(customRequest(overrides))).toMatchObject({ status: 400, code: 10002 });
  });

  it('answers 400 code 10002 for a body that is not JSON', async () => {
    expect(await refusal('{not json')).toMatchObject({ status: 400, code: 10002 });
  });

  it('plays injected faults on custom requests like on full ones', async () => {
    ts.injectFaults({ kind: 'rate-limit', retryAfterSeconds: 1 });

    expect((await post(customRequest())).status).toBe(429);
    await mint(customRequest());
  });

  it("answers in the shape ThoughtSpot's own REST SDK reads as an AccessToken", async () => {
    const sdk = new ThoughtSpotRestApi(
      createConfiguration({ baseServer: new ServerConfiguration(ts.url, {}) }),
    );
    const request = Object.assign(new GetCustomAccessTokenRequest(), customRequest());

    const answer = await sdk.getCustomAccessToken(request);

    expect(answer.org).toEqual({ id: ACME.id, name: ACME.name });
    expect(answer.user.name).toBe('alice@example.com');
    expect(ts.isValid(answer.token)).toBe(true);
    expect(ts.minted[0]?.variableValues).toEqual([{ name: 'region', values: ['EMEA'] }]);
  });
});
