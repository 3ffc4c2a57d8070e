import { createServer, type IncomingMessage } from 'node:http';
import {
  createConfiguration,
  GetFullAccessTokenRequest,
  GetObjectAccessTokenRequest,
  Scope,
  ServerConfiguration,
  ThoughtSpotRestApi,
  Token,
} from '@thoughtspot/rest-api-sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { THOUGHTSPOT_MAX_INT } from '../../functions/lib/config-rules.cjs';
import { ThoughtSpotError } from '../../functions/lib/errors.js';
import type { Provisioning } from '../../functions/lib/identity.js';
import { createThoughtSpotClient, type MintToken } from '../../functions/lib/thoughtspot.js';
import { type ListeningServer, listen, readBody } from '../../infra/local/http-server.js';
import { rejection } from '../support/errors.js';
import { fakeKey } from '../support/fixtures.js';

/**
 * Our ThoughtSpot client against ThoughtSpot's official REST SDK
 * (@thoughtspot/rest-api-sdk): for the same token request, both send their body
 * to one loopback server, which records it. The bodies must agree field by field
 * and type by type, except `password`, which we never send (the SDK sends only
 * the fields it is given, so it does not appear there either). Every field we
 * send must also be declared by the SDK's request model with a matching type.
 * The server answers with a body built from the SDK's `Token` model, which the
 * SDK itself deserializes and our parser must accept.
 */

interface Captured {
  path: string;
  contentType: string | undefined;
  body: Record<string, unknown>;
}

type AttributeMap = readonly { name: string; baseName: string; type: string; format: string }[];

const SECRET_KEY = fakeKey('contract');
/** Fields the SDK's request models declare that we deliberately never send. */
const NEVER_SENT = ['password'];

describe('ThoughtSpot client contract with the official REST API SDK', () => {
  let server: ListeningServer;
  const captured: Captured[] = [];
  /** What the loopback ThoughtSpot answers to the next token request. */
  let answer: Record<string, unknown> = {};

  let sdk: ThoughtSpotRestApi;
  let ours: MintToken;

  beforeAll(async () => {
    server = await listen(
      createServer((req: IncomingMessage, res) => {
        void readBody(req).then((text) => {
          captured.push({
            path: new URL(req.url ?? '/', 'http://loopback').pathname,
            contentType: req.headers['content-type'],
            body: JSON.parse(text) as Record<string, unknown>,
          });
          const json = JSON.stringify(answer);
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(json);
        });
      }),
      { scheme: 'http' },
    );
    sdk = new ThoughtSpotRestApi(
      createConfiguration({ baseServer: new ServerConfiguration(server.url, {}) }),
    );
    ours = createThoughtSpotClient({ host: server.url, timeoutMs: 5000 });
  });
  afterAll(() => server.close());
  beforeEach(() => {
    captured.length = 0;
  });

  /** A request both clients can express: ours as MintRequest, the SDK's as its model. */
  interface Case {
    name: string;
    orgId: number;
    objectId?: string;
    provision?: Provisioning;
  }
  const cases: Case[] = [
    { name: 'a full token', orgId: 5 },
    { name: 'a full token for Org 0', orgId: 0 },
    {
      name: 'a full token with just-in-time provisioning',
      orgId: 583464508,
      provision: {
        email: 'alice@example.com',
        displayName: 'Alice Example',
        groups: ['analysts', 'emea'],
      },
    },
    {
      name: 'a full token that removes the user from every group',
      orgId: 5,
      provision: { email: 'alice@example.com', groups: [] },
    },
    { name: 'an object token', orgId: 5, objectId: '0fa5e1fa-1b3c-4b1a-9cbe-5f4f1b0d2a77' },
  ];

  /** The SDK model's fields for one of our requests, written as its documentation shows. */
  function sdkRequest(c: Case): GetFullAccessTokenRequest & GetObjectAccessTokenRequest {
    return {
      username: 'alice@example.com',
      secret_key: SECRET_KEY,
      org_id: c.orgId,
      validity_time_in_sec: 300,
      auto_create: c.provision !== undefined,
      ...(c.objectId !== undefined && { object_id: c.objectId }),
      ...(c.provision?.email !== undefined && { email: c.provision.email }),
      ...(c.provision?.displayName !== undefined && { display_name: c.provision.displayName }),
      ...(c.provision?.groups !== undefined && { group_identifiers: c.provision.groups }),
    };
  }

  async function bothClients(c: Case): Promise<{ official: Captured; mine: Captured }> {
    answer = tokenAnswer(c.orgId, c.objectId);
    const request = sdkRequest(c);
    if (c.objectId === undefined) await sdk.getFullAccessToken(request);
    else await sdk.getObjectAccessToken(request);
    await ours(
      {
        username: 'alice@example.com',
        orgId: c.orgId,
        secretKey: SECRET_KEY,
        validitySeconds: 300,
        ...(c.objectId !== undefined && { objectId: c.objectId }),
        ...(c.provision !== undefined && { provision: c.provision }),
      },
      { attempts: 0 },
    );
    const [official, mine] = captured;
    if (!official || !mine) throw new Error('expected one request from each client');
    return { official, mine };
  }

  for (const c of cases) {
    it(`sends the same body as the SDK for ${c.name}`, async () => {
      const { official, mine } = await bothClients(c);

      expect(mine.path).toBe(official.path);
      expect(mine.contentType).toBe(official.contentType);
      const { password: _never, ...comparable } = official.body;
      expect(Object.keys(mine.body).sort()).toEqual(Object.keys(comparable).sort());
      for (const [field, value] of Object.entries(comparable)) {
        expect({ field, type: jsonType(mine.body[field]) }).toEqual({
          field,
          type: jsonType(value),
        });
        expect({ field, value: mine.body[field] }).toEqual({ field, value });
      }
      for (const field of NEVER_SENT) expect(mine.body).not.toHaveProperty(field);
    });

    it(`sends only fields the SDK model declares, with the declared types, for ${c.name}`, async () => {
      const { mine } = await bothClients(c);
      const model: AttributeMap =
        c.objectId === undefined
          ? GetFullAccessTokenRequest.getAttributeTypeMap()
          : GetObjectAccessTokenRequest.getAttributeTypeMap();

      for (const [field, value] of Object.entries(mine.body)) {
        const declared = model.find((attribute) => attribute.baseName === field);
        expect(declared, `${field} is not in the SDK model`).toBeDefined();
        if (declared) expect({ field, ok: fitsType(value, declared) }).toEqual({ field, ok: true });
      }
    });
  }

  it('accepts a token response built from the SDK Token model, as the SDK does', async () => {
    answer = tokenAnswer(5);
    const official = await sdk.getFullAccessToken({ username: 'alice@example.com', org_id: 5 });
    const mine = await ours(
      { username: 'alice@example.com', orgId: 5, secretKey: SECRET_KEY, validitySeconds: 300 },
      { attempts: 0 },
    );

    expect(official).toBeInstanceOf(Token);
    expect(mine.token).toBe(official.token);
    expect(mine.expiresAtMillis).toBe(official.expiration_time_in_millis);
    expect(mine).toMatchObject({ orgId: 5, username: 'alice@example.com', tokenType: 'full' });
  });

  it('refuses a token whose nullable Scope names no Org, though the model allows it (SPEC §8)', async () => {
    answer = tokenAnswer(5, undefined, { org_id: null, metadata_id: null });
    const official = await sdk.getFullAccessToken({ username: 'alice@example.com', org_id: 5 });
    const error = await rejection(
      ours(
        { username: 'alice@example.com', orgId: 5, secretKey: SECRET_KEY, validitySeconds: 300 },
        { attempts: 0 },
      ),
    );

    expect(official.scope.org_id).toBeNull();
    expect(error).toBeInstanceOf(ThoughtSpotError);
  });

  it('accepts an object token response, scope metadata_id set', async () => {
    const objectId = '0fa5e1fa-1b3c-4b1a-9cbe-5f4f1b0d2a77';
    answer = tokenAnswer(5, objectId);
    const official = await sdk.getObjectAccessToken({
      username: 'alice@example.com',
      object_id: objectId,
      org_id: 5,
    });
    const mine = await ours(
      {
        username: 'alice@example.com',
        orgId: 5,
        secretKey: SECRET_KEY,
        validitySeconds: 300,
        objectId,
      },
      { attempts: 0 },
    );

    expect(official.scope.metadata_id).toBe(objectId);
    expect(mine).toMatchObject({ token: official.token, tokenType: 'object' });
  });
});

/**
 * A 200 body for the token endpoints with every attribute of the SDK's Token
 * model (and its Scope), each filled according to its declared type. The model
 * declares epoch milliseconds as `float`, so the expiry has a fraction here.
 */
function tokenAnswer(
  orgId: number,
  objectId?: string,
  scopeOverrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const now = Date.now();
  const known: Record<string, unknown> = {
    token: `contract-token-${now}`,
    creation_time_in_millis: now,
    expiration_time_in_millis: now + 300_000.5,
    valid_for_user_id: '7c3ad9d0-5f36-4f7a-9d4c-1d1cbbbd8d1e',
    valid_for_username: 'alice@example.com',
    access_type: objectId === undefined ? 'FULL' : 'REPORT_BOOK_VIEW',
    org_id: orgId,
    metadata_id: objectId ?? null,
  };
  const build = (
    model: AttributeMap,
    overrides: Record<string, unknown>,
  ): Record<string, unknown> =>
    Object.fromEntries(
      model.map((attribute) => {
        if (attribute.baseName in overrides) {
          return [attribute.baseName, overrides[attribute.baseName]];
        }
        if (attribute.type === 'Scope') {
          return [attribute.baseName, build(Scope.getAttributeTypeMap(), scopeOverrides)];
        }
        if (!(attribute.baseName in known)) {
          throw new Error(`the Token model has a field this test does not know: ${attribute.name}`);
        }
        return [attribute.baseName, known[attribute.baseName]];
      }),
    );
  const body = build(Token.getAttributeTypeMap(), {});
  // Every value must have the type the model declares (null only where the model allows it).
  for (const attribute of Token.getAttributeTypeMap()) {
    if (attribute.type !== 'Scope' && !fitsType(body[attribute.baseName], attribute)) {
      throw new Error(`sample ${attribute.name} does not fit ${attribute.type}`);
    }
  }
  return body;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array<${[...new Set(value.map(jsonType))].join('|')}>`;
  return typeof value;
}

/** Whether a JSON value fits a model attribute's declared type and format. */
function fitsType(value: unknown, attribute: { type: string; format: string }): boolean {
  switch (attribute.type) {
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'number':
      return (
        typeof value === 'number' &&
        (attribute.format === 'int32'
          ? Number.isInteger(value) && Math.abs(value) <= THOUGHTSPOT_MAX_INT
          : Number.isFinite(value))
      );
    case 'Array<string>':
      return Array.isArray(value) && value.every((entry) => typeof entry === 'string');
    default:
      return false;
  }
}
