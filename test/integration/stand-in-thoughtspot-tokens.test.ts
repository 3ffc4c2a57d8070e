// The ThoughtSpot stand-in's token endpoints behave like a real cluster's, through
// Node's fetch over real sockets on 127.0.0.1: which key mints for which Org, the error
// codes, what it records, and the faults a test can inject.
import { describe, expect, it } from 'vitest';
import { rejection } from '../support/errors.js';
import {
  ThoughtSpotErrorBodySchema,
  ThoughtSpotTokenBodySchema,
} from '../support/thoughtspot-bodies.js';
import { useThoughtSpotStandIn } from './support/stand-in-clients.js';
import { tokenCalls } from './support/thoughtspot-token-calls.js';

const CLUSTER_KEY = 'cluster-key-0f3c9a';
const ORG_ID = 583464508;
const ORG_KEY = 'org-key-583464508-b71e';
const APP_ORIGIN = 'http://app.example.test';
const TOKEN_PATTERN = /^tsstandin-token-[0-9a-f]{24}$/;

describe('ThoughtSpot stand-in token endpoints', () => {
  const ts = useThoughtSpotStandIn({
    clusterKey: CLUSTER_KEY,
    orgKeys: { [ORG_ID]: ORG_KEY },
    corsOrigins: [APP_ORIGIN],
  });
  const { postToken, mint, expectError } = tokenCalls(() => ts.url);

  it('mints a FULL token with the cluster key for Org 0, a missing org_id, and any other Org', async () => {
    const org0 = await mint({ username: 'ana', secret_key: CLUSTER_KEY, org_id: 0 });
    const implicit = await mint({ username: 'ana', secret_key: CLUSTER_KEY });
    const other = await mint({ username: 'ana', secret_key: CLUSTER_KEY, org_id: ORG_ID });

    expect(org0.token).toMatch(TOKEN_PATTERN);
    expect(org0.scope).toEqual({ access_type: 'FULL', org_id: 0, metadata_id: null });
    expect(org0.valid_for_username).toBe('ana');
    expect(org0.expiration_time_in_millis - org0.creation_time_in_millis).toBe(300_000);
    expect(implicit.scope.org_id).toBe(0);
    expect(other.scope.org_id).toBe(ORG_ID);
    expect(new Set([org0.token, implicit.token, other.token]).size).toBe(3);
    expect(org0.valid_for_user_id).toBe(other.valid_for_user_id);
    expect(ts.minted.map((m) => [m.orgId, m.keyKind])).toEqual([
      [0, 'cluster'],
      [0, 'cluster'],
      [ORG_ID, 'cluster'],
    ]);
    expect(ts.isValid(org0.token)).toBe(true);
    expect(ts.findToken(other.token)).toMatchObject({ username: 'ana', validitySeconds: 300 });
  });

  it('accepts an Org key only for its own Org', async () => {
    const own = await mint({ username: 'bo', secret_key: ORG_KEY, org_id: ORG_ID });
    expect(own.scope.org_id).toBe(ORG_ID);
    expect(ts.findToken(own.token)?.keyKind).toBe('org');

    await expectError({ username: 'bo', secret_key: ORG_KEY, org_id: 0 }, 401, 10097);
    await expectError({ username: 'bo', secret_key: ORG_KEY }, 401, 10097);
    await expectError({ username: 'bo', secret_key: ORG_KEY, org_id: 42 }, 401, 10097);
  });

  it('answers a wrong key with 401 code 10097 without echoing the key', async () => {
    const text = await expectError(
      { username: 'ana', secret_key: 'wrong-key-zzz', org_id: 0 },
      401,
      10097,
    );
    expect(text).not.toContain('wrong-key-zzz');
    expect(ts.minted).toHaveLength(0);
  });

  it('answers bad requests with 400 code 10002', async () => {
    await expectError({ secret_key: CLUSTER_KEY }, 400, 10002);
    await expectError({ username: '', secret_key: CLUSTER_KEY }, 400, 10002);
    await expectError({ username: 'ana', secret_key: CLUSTER_KEY, password: 'pw' }, 400, 10002);
    await expectError({ username: 'ana' }, 400, 10002);
    await expectError({ username: 'ana', secret_key: '' }, 400, 10002);
    await expectError('{not json', 400, 10002);
    await expectError({ username: 'ana', secret_key: CLUSTER_KEY, org_id: 'zero' }, 400, 10002);
    expect(ts.minted).toHaveLength(0);
  });

  it('answers 403 code 10023 for an Org with trusted auth disabled, until re-enabled', async () => {
    ts.disableOrg(ORG_ID);
    try {
      await expectError({ username: 'bo', secret_key: ORG_KEY, org_id: ORG_ID }, 403, 10023);
      await expectError({ username: 'bo', secret_key: CLUSTER_KEY, org_id: ORG_ID }, 403, 10023);
      await mint({ username: 'bo', secret_key: CLUSTER_KEY, org_id: 0 });
    } finally {
      ts.enableOrg(ORG_ID);
    }
    await mint({ username: 'bo', secret_key: ORG_KEY, org_id: ORG_ID });
  });

  it('mints an object token scoped to REPORT_BOOK_VIEW of that object, and requires object_id', async () => {
    const objectId = 'e5c3d1b2-0000-4000-8000-000000000001';
    const out = await mint(
      { username: 'cy', secret_key: CLUSTER_KEY, org_id: 0, object_id: objectId },
      'object',
    );
    expect(out.scope).toEqual({
      access_type: 'REPORT_BOOK_VIEW',
      org_id: 0,
      metadata_id: objectId,
    });
    expect(ts.findToken(out.token)?.objectId).toBe(objectId);
    await expectError({ username: 'cy', secret_key: CLUSTER_KEY, org_id: 0 }, 400, 10002, 'object');
  });

  it('honours validity_time_in_sec and records JIT provisioning fields', async () => {
    const out = await mint({
      username: 'dee',
      secret_key: CLUSTER_KEY,
      org_id: ORG_ID,
      validity_time_in_sec: 1800,
      auto_create: true,
      email: 'dee@example.test',
      display_name: 'Dee',
      group_identifiers: ['analysts'],
    });
    expect(out.expiration_time_in_millis - out.creation_time_in_millis).toBe(1_800_000);
    expect(ts.findToken(out.token)).toMatchObject({
      validitySeconds: 1800,
      expiresAt: out.expiration_time_in_millis,
      autoCreate: true,
      email: 'dee@example.test',
      displayName: 'Dee',
      groups: ['analysts'],
    });
  });

  it('records requests with secret_key redacted and holds no key outside its config', async () => {
    await postToken({ username: 'ana', secret_key: CLUSTER_KEY, org_id: 0 });
    await postToken({ username: 'ana', secret_key: 'some-wrong-key' });
    expect(ts.requests).toEqual([
      {
        method: 'POST',
        path: '/api/rest/2.0/auth/token/full',
        body: { username: 'ana', secret_key: '[redacted]', org_id: 0 },
      },
      {
        method: 'POST',
        path: '/api/rest/2.0/auth/token/full',
        body: { username: 'ana', secret_key: '[redacted]' },
      },
    ]);
    const observable = JSON.stringify([ts.requests, ts.minted]);
    expect(observable).not.toContain(CLUSTER_KEY);
    expect(observable).not.toContain('some-wrong-key');
  });

  it('rejects the old cluster key immediately after rotation', async () => {
    ts.setClusterKey('cluster-key-rotated');
    try {
      await expectError({ username: 'ana', secret_key: CLUSTER_KEY, org_id: 0 }, 401, 10097);
      await mint({ username: 'ana', secret_key: 'cluster-key-rotated', org_id: 0 });
    } finally {
      ts.setClusterKey(CLUSTER_KEY);
    }
  });

  it('setOrgKey replaces and removes an Org key', async () => {
    ts.setOrgKey(ORG_ID, 'org-key-new');
    try {
      await expectError({ username: 'bo', secret_key: ORG_KEY, org_id: ORG_ID }, 401, 10097);
      await mint({ username: 'bo', secret_key: 'org-key-new', org_id: ORG_ID });
      ts.setOrgKey(ORG_ID, undefined);
      await expectError({ username: 'bo', secret_key: 'org-key-new', org_id: ORG_ID }, 401, 10097);
    } finally {
      ts.setOrgKey(ORG_ID, ORG_KEY);
    }
  });

  describe('fault injection on the token endpoints', () => {
    const validBody = { username: 'ana', secret_key: CLUSTER_KEY, org_id: 0 };

    it('plays queued faults one per request, in order, then behaves normally', async () => {
      ts.injectFaults({ kind: 'status', status: 503 }, { kind: 'status', status: 500 });
      const first = await postToken(validBody);
      const second = await postToken(validBody);
      const third = await postToken(validBody);
      expect([first.status, second.status, third.status]).toEqual([503, 500, 200]);
      expect(ThoughtSpotErrorBodySchema.parse(JSON.parse(first.text)).error.message.code).toBe(
        10038,
      );
      expect(ts.minted).toHaveLength(1);
    });

    it('status fault sends a custom body and content type', async () => {
      ts.injectFaults({
        kind: 'status',
        status: 502,
        body: 'upstream down',
        contentType: 'text/plain',
      });
      const out = await postToken(validBody);
      expect(out.status).toBe(502);
      expect(out.text).toBe('upstream down');
      expect(out.response.headers.get('content-type')).toBe('text/plain');
    });

    it('rate-limit fault answers 429, with Retry-After only when given', async () => {
      ts.injectFaults({ kind: 'rate-limit', retryAfterSeconds: 2 }, { kind: 'rate-limit' });
      const withHeader = await postToken(validBody);
      const without = await postToken(validBody);
      expect(withHeader.status).toBe(429);
      expect(withHeader.response.headers.get('retry-after')).toBe('2');
      expect(without.status).toBe(429);
      expect(without.response.headers.get('retry-after')).toBeNull();
    });

    it('hang fault never answers; the next request is served', async () => {
      ts.injectFaults({ kind: 'hang' });
      const error = await rejection(
        postToken(validBody, 'full', { signal: AbortSignal.timeout(300) }),
      );
      expect(error.name).toBe('TimeoutError');
      expect((await postToken(validBody)).status).toBe(200);
    });

    it('reset fault drops the connection without a response', async () => {
      ts.injectFaults({ kind: 'reset' });
      const error = await rejection(postToken(validBody));
      expect(error).toBeInstanceOf(TypeError);
      expect(error.message).toBe('fetch failed');
      expect((await postToken(validBody)).status).toBe(200);
    });

    it('malformed fault sends 200 with truncated JSON', async () => {
      ts.injectFaults({ kind: 'malformed' });
      const out = await postToken(validBody);
      expect(out.status).toBe(200);
      expect(out.text).toBe('{"token": ');
      expect(() => JSON.parse(out.text)).toThrow(SyntaxError);
    });

    it('html fault sends a 502 text/html page', async () => {
      ts.injectFaults({ kind: 'html' });
      const out = await postToken(validBody);
      expect(out.status).toBe(502);
      expect(out.response.headers.get('content-type')).toBe('text/html');
      expect(out.text).toContain('<h1>502 Bad Gateway</h1>');
    });

    it('missing-token fault sends 200 JSON without a token', async () => {
      ts.injectFaults({ kind: 'missing-token' });
      const out = await postToken(validBody);
      expect(out.status).toBe(200);
      const body: unknown = JSON.parse(out.text);
      expect(body).toMatchObject({ scope: { access_type: 'FULL' } });
      expect(body).not.toHaveProperty('token');
      expect(ts.minted).toHaveLength(0);
    });

    it('delay fault answers normally after the delay', async () => {
      ts.injectFaults({ kind: 'delay', ms: 250 });
      const started = Date.now();
      const out = await postToken(validBody);
      expect(Date.now() - started).toBeGreaterThanOrEqual(240);
      expect(ThoughtSpotTokenBodySchema.parse(JSON.parse(out.text)).token).toMatch(TOKEN_PATTERN);
    });

    it('random faults fire at the configured rate until cleared', async () => {
      ts.setFaultRate(1, [{ kind: 'status', status: 500 }]);
      expect((await postToken(validBody)).status).toBe(500);
      expect((await postToken(validBody)).status).toBe(500);
      ts.setFaultRate(0, [{ kind: 'status', status: 500 }]);
      expect((await postToken(validBody)).status).toBe(200);
      ts.setFaultRate(1, [{ kind: 'html' }]);
      ts.clearFaults();
      expect((await postToken(validBody)).status).toBe(200);
    });

    it('faults do not touch the session endpoints', async () => {
      ts.injectFaults({ kind: 'status', status: 500 });
      const response = await fetch(`${ts.url}/callosum/v1/session/isactive`);
      expect(response.status).toBe(401);
      expect((await postToken(validBody)).status).toBe(500);
    });
  });
});
