// What the ThoughtSpot stand-in's embedded page (where the Visual Embed SDK points
// its iframe) shows once signed in: the user, the Org and a custom token's ABAC
// values, read from the stand-in's own `/stand-in/session` and written as text.
// The page's real script runs here against the real stand-in (support/embedded-page.ts);
// the e2e tier runs the same page in Chromium.
import { describe, expect, it } from 'vitest';
import { runEmbeddedPage } from './support/embedded-page.js';
import { useThoughtSpotStandIn } from './support/stand-in-clients.js';

const CLUSTER_KEY = 'cluster-key-page-51ab';
const ORG_ID = 5;
const HOSTILE = '<script>alert(1)</script>';

describe('ThoughtSpot stand-in: the embedded page and /stand-in/session', () => {
  const ts = useThoughtSpotStandIn({ clusterKey: CLUSTER_KEY, orgs: { [ORG_ID]: 'Acme' } });

  async function mintToken(kind: 'full' | 'custom', body: Record<string, unknown> = {}) {
    const response = await fetch(`${ts.url}/api/rest/2.0/auth/token/${kind}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: 'alice@example.com',
        secret_key: CLUSTER_KEY,
        ...(kind === 'full'
          ? { org_id: ORG_ID }
          : { org_identifier: String(ORG_ID), persist_option: 'REPLACE' }),
        ...body,
      }),
    });
    expect(response.status).toBe(200);
    const { token } = (await response.json()) as { token: string };
    return token;
  }

  describe('GET /stand-in/session', () => {
    const session = (headers: Record<string, string>) =>
      fetch(`${ts.url}/stand-in/session`, { headers });

    it("answers a custom token's user, Org and ABAC values exactly as ThoughtSpot received them", async () => {
      const variables = [{ name: 'region', values: ['EMEA', ' x ', HOSTILE] }];
      const rules = [{ column_name: 'Region', operator: 'IN', values: ['EMEA'] }];
      const token = await mintToken('custom', {
        persist_option: 'APPEND',
        variable_values: variables,
        filter_rules: rules,
      });

      const response = await session({ authorization: `Bearer ${token}` });

      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        user: { id: expect.any(String), name: 'alice@example.com' },
        org: { id: ORG_ID, name: 'Acme' },
        token: {
          kind: 'custom',
          persist_option: 'APPEND',
          variable_values: variables,
          filter_rules: rules,
        },
      });
    });

    it('answers a full token without ABAC values, and 401 without a valid token or session', async () => {
      const token = await mintToken('full');

      const full = await session({ authorization: `Bearer ${token}` });
      const nobody = await session({});
      const forged = await session({ authorization: 'Bearer tsstandin-token-0' });

      expect(await full.json()).toMatchObject({ token: { kind: 'full' } });
      expect([nobody.status, forged.status]).toEqual([401, 401]);
    });

    it('answers for a session cookie with the values of the token that logged it in', async () => {
      const variables = [{ name: 'region', values: ['APAC'] }];
      const token = await mintToken('custom', { variable_values: variables });
      const login = await fetch(`${ts.url}/callosum/v1/session/login/token`, {
        method: 'POST',
        body: new URLSearchParams({ username: 'alice@example.com', auth_token: token }),
      });
      const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';

      const body = await (await session({ cookie })).json();

      expect(body).toMatchObject({ token: { kind: 'custom', variable_values: variables } });
    });
  });

  describe('the page at /', () => {
    it("shows the user, the Org and a custom token's values as text, a <script> value included", async () => {
      const token = await mintToken('custom', {
        variable_values: [
          { name: 'region', values: ['EMEA', HOSTILE] },
          { name: 'tenant', values: [''] },
        ],
        filter_rules: [{ column_name: 'Region', operator: 'IN', values: ['EMEA', HOSTILE] }],
      });

      const page = await runEmbeddedPage(ts.url, token);

      expect(page.status.textContent).toBe(
        `ThoughtSpot stand-in: signed in as alice@example.com in Org ${ORG_ID}`,
      );
      expect(page.sessionRows()).toEqual([
        ['User', `alice@example.com (id ${userIdOf(page.state)})`],
        ['Org', `${ORG_ID} (Acme)`],
        ['Token', 'custom, persist_option REPLACE'],
        ['variable_values', `region = ["EMEA","${HOSTILE}"]`],
        ['variable_values', 'tenant = [""]'],
        ['filter_rules', `Region IN ["EMEA","${HOSTILE}"]`],
      ]);
      // Only <dt>/<dd> with text were made: nothing was parsed as markup.
      expect(new Set(page.created.map((element) => element.tagName))).toEqual(
        new Set(['dt', 'dd']),
      );
      expect(page.created.every((element) => element.children.length === 0)).toBe(true);
      expect(page.posted.map((message) => message.type)).toEqual(['appInit', 'authInit']);
      expect(page.state.error).toBeNull();
    });

    it('says when a custom token carried no variable values or an empty list of filter rules', async () => {
      const token = await mintToken('custom', { filter_rules: [] });

      const page = await runEmbeddedPage(ts.url, token);

      expect(page.sessionRows().slice(2)).toEqual([
        ['Token', 'custom, persist_option REPLACE'],
        ['variable_values', 'not sent'],
        ['filter_rules', 'an empty list'],
      ]);
    });

    it('shows a full token as such, with no ABAC values', async () => {
      const token = await mintToken('full');

      const page = await runEmbeddedPage(ts.url, token);

      expect(page.sessionRows()).toEqual([
        ['User', `alice@example.com (id ${userIdOf(page.state)})`],
        ['Org', `${ORG_ID} (Acme)`],
        ['Token', 'full (no ABAC values)'],
      ]);
    });

    it('shows nothing about a token that is not valid, and does not sign in', async () => {
      const page = await runEmbeddedPage(ts.url, 'tsstandin-token-0');

      expect(page.state.error).toBe('the token from appInit is not valid');
      expect(page.sessionRows()).toEqual([]);
      expect(page.posted.map((message) => message.type)).toEqual(['appInit']);
    });
  });
});

/** The user GUID the page read from session info: the one the token responses carry. */
function userIdOf(state: Record<string, unknown>): string {
  const id = state.userGUID;
  if (typeof id !== 'string') throw new Error('the page has no userGUID');
  return id;
}
