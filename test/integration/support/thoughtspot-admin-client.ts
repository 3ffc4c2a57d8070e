import { expect } from 'vitest';
import * as z from 'zod';
import {
  ThoughtSpotErrorBodySchema,
  ThoughtSpotTokenBodySchema,
} from '../../support/thoughtspot-bodies.js';

/** An Org id shaped like the spec example's, to catch code that assumes small ids. */
export const ORG_ID = 583464508;

const KeyLevel = {
  auth_status: z.enum(['ENABLED', 'DISABLED']),
  access_tokens: z.array(z.object({ key: z.string() })).optional(),
};
/** auth/search's answer (THOUGHTSPOT-FACTS §7.2), strict so stray fields fail tests. */
export const SearchResponseSchema = z.strictObject({
  auth_type: z.literal('TRUSTED_AUTH'),
  cluster_preferences: z.strictObject(KeyLevel).optional(),
  org_preferences: z
    .array(z.strictObject({ org: z.object({ id: z.number(), name: z.string() }), ...KeyLevel }))
    .optional(),
});

export interface Answer {
  status: number;
  text: string;
  /** The parsed body; undefined when it was empty or not JSON. */
  json: unknown;
}

/** Plain fetch calls to a ThoughtSpot stand-in's token and admin endpoints. */
export function adminClient(baseUrl: string) {
  async function post(path: string, body: unknown, bearer?: string): Promise<Answer> {
    const response = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json',
        ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }),
      },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, text, json };
  }

  const client = {
    post,
    admin: (endpoint: 'configure' | 'search', bearer: string | undefined, body: unknown) =>
      post(`/api/rest/2.0/auth/${endpoint}`, body, bearer),

    configureOrg: (bearer: string, orgIdentifier: string, authStatus: 'ENABLED' | 'DISABLED') =>
      client.admin('configure', bearer, {
        auth_type: 'TRUSTED_AUTH',
        org_preferences: [{ org_identifier: orgIdentifier, auth_status: authStatus }],
      }),

    /** A password login that must succeed; returns the bearer token. */
    async login(username: string, password: string, orgId = 0): Promise<string> {
      const answer = await post('/api/rest/2.0/auth/token/full', {
        username,
        password,
        org_id: orgId,
        validity_time_in_sec: 300,
      });
      expect(answer.status).toBe(200);
      return ThoughtSpotTokenBodySchema.parse(answer.json).token;
    },

    /** A trusted-auth token request's status and, for errors, code. */
    async mintStatus(secretKey: string, orgId: number) {
      const answer = await post('/api/rest/2.0/auth/token/full', {
        username: 'ana',
        secret_key: secretKey,
        org_id: orgId,
      });
      return answer.status === 200
        ? { status: 200 }
        : { status: answer.status, code: client.codeOf(answer) };
    },

    codeOf: (answer: Answer): number | undefined =>
      ThoughtSpotErrorBodySchema.safeParse(answer.json).data?.error.message.code,
  };
  return client;
}

export type AdminClient = ReturnType<typeof adminClient>;
