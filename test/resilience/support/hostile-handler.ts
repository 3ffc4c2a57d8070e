import { afterAll, beforeAll, expect } from 'vitest';
import { DEFAULTS } from '../../../functions/lib/config-rules.cjs';
import type { TokenEvent } from '../../../functions/token/event.js';
import { MAX_BODY_BYTES } from '../../../functions/token/request.js';
import type { HttpResponse } from '../../../functions/token/responses.js';
import { httpApiEvent, iamCaller } from '../../../infra/local/lambda-events.js';
import type { Environment } from '../../integration/support/environment.js';
import { watchForLeaks } from '../../integration/support/leak-watch.js';
import type { FunctionEnv } from '../../support/fixtures.js';
import { contractViolation, errorCodeOf, failOnProcessFailures } from './contract.js';
import type * as arb from './hostile-arbitraries.js';
import { specAllowsUsername } from './spec-username.js';

/**
 * What the hostile-input properties share: the two configurations they run under, a
 * generated request and the event it becomes, what the spec lets a request's claims
 * and body mean, and the checks every response gets.
 */

export const ORG_MAP: Record<string, number> = { acme: 5, globex: 9, initech: 12 };
export const ORG_NAMES = Object.keys(ORG_MAP);
/** Both setups leave MAX_TOKEN_VALIDITY_SECONDS at its default. */
export const MAX_VALIDITY = Number(DEFAULTS.MAX_TOKEN_VALIDITY_SECONDS);
export { MAX_BODY_BYTES };
/** functions/token/request.ts's refusal of a body above MAX_BODY_BYTES (SPEC §3). */
export const SIZE_MESSAGE = `The body is larger than ${MAX_BODY_BYTES} bytes.`;
const KNOWN_CLAIMS = ['email', 'sub', 'ts_org', 'orgs', 'name', 'groups'] as const;

export interface Setup {
  name: string;
  env: FunctionEnv;
  usernameClaim: string;
  orgClaim: string;
  defaultOrgId: number;
  provisions: boolean;
}

export const SETUPS: Setup[] = [
  {
    name: 'default claim names',
    env: {},
    usernameClaim: 'email',
    orgClaim: 'ts_org',
    defaultOrgId: 0,
    provisions: false,
  },
  {
    name: 'custom claim names and JIT provisioning',
    env: {
      USERNAME_CLAIM: 'sub',
      ORG_CLAIM: 'orgs',
      AUTO_CREATE_USERS: 'true',
      GROUPS_CLAIM: 'groups',
      DEFAULT_ORG_ID: '9',
    },
    usernameClaim: 'sub',
    orgClaim: 'orgs',
    defaultOrgId: 9,
    provisions: true,
  },
];

export interface HostileRequest {
  routeKey: string;
  authorizer: arb.AuthorizerKind;
  claims: Record<string, unknown>;
  query: Record<string, string> | undefined;
  body: string | undefined;
  encoding: arb.Encoding;
  headers: Record<string, string>;
  dropContentType: boolean;
}

/** The claims generator's view of a setup: which claims it names and reads. */
export const claimsShape = (setup: Setup, raw: boolean): arb.ClaimsShape => ({
  usernameClaim: setup.usernameClaim,
  orgClaim: setup.orgClaim,
  known: KNOWN_CLAIMS,
  orgNames: ORG_NAMES,
  raw,
});

function toEvent(request: HostileRequest): TokenEvent {
  const { body, encoding } = request;
  const event = httpApiEvent({
    routeKey: request.routeKey,
    ...(request.query !== undefined && { query: request.query }),
    ...(body !== undefined && encoding !== 'not-base64' && { body }),
    isBase64Encoded: encoding === 'base64',
    headers: request.headers,
  });
  if (body !== undefined && encoding === 'not-base64') {
    event.body = body;
    event.isBase64Encoded = true;
  }
  if (request.dropContentType) delete event.headers['content-type'];
  const { authorizer } = request;
  const jwt = authorizer === 'jwt' || authorizer === 'both';
  const iam = authorizer === 'iam' || authorizer === 'both';
  if (jwt || iam) {
    event.requestContext.authorizer = {
      ...(jwt && { jwt: { claims: request.claims, scopes: null } }),
      ...(iam && { iam: iamCaller() }),
    };
  }
  return event;
}

/** Text pieces of a claim, split the widest way a list could be read. */
function claimPieces(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(claimPieces);
  if (typeof value === 'number' || typeof value === 'boolean') return [String(value)];
  if (typeof value !== 'string') return [];
  return value.split(/[\s,[\]]+/).filter((piece) => piece !== '');
}

/** Every Org a caller with this Org claim could belong to (a superset of the real answer). */
export function possibleOrgs(claim: unknown, defaultOrgId: number): Set<number> {
  const pieces = claimPieces(claim);
  if (pieces.length === 0) return new Set([defaultOrgId]);
  return new Set(
    pieces.flatMap((piece) => {
      if (/^\d+$/.test(piece)) return [Number(piece)];
      const mapped = Object.hasOwn(ORG_MAP, piece) ? ORG_MAP[piece] : undefined;
      return mapped === undefined ? [] : [mapped];
    }),
  );
}

/** The username a claim names, exactly as sent, or undefined when SPEC §8 refuses it. */
export function claimedUsername(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const name = String(value);
  return specAllowsUsername(name) ? name : undefined;
}

/** A claim scalar's text: a string verbatim, a finite number as its decimal text. */
const scalarText = (value: unknown): string | undefined =>
  typeof value === 'string'
    ? value
    : typeof value === 'number' && Number.isFinite(value)
      ? String(value)
      : undefined;

/**
 * Every whole item a list claim (groups) could hold, under each reading the spec allows:
 * a JSON array's items, or one value, which may also be a JSON array of strings or API
 * Gateway's space-separated "[a b c]". A superset of the real answer, of whole items only:
 * a group cut short or two run together is in none of them.
 */
export function possibleListItems(value: unknown): Set<string> {
  if (Array.isArray(value)) {
    return new Set(value.flatMap((item) => scalarText(item) ?? []));
  }
  const text = scalarText(value);
  if (text === undefined) return new Set();
  const items = new Set([text]);
  if (text.startsWith('[') && text.endsWith(']')) {
    for (const item of text.slice(1, -1).split(' ')) items.add(item);
    try {
      const json: unknown = JSON.parse(text);
      if (Array.isArray(json))
        for (const item of json) if (typeof item === 'string') items.add(item);
    } catch {
      // Not JSON: the space-separated reading above.
    }
  }
  return items;
}

/** The body as the handler reads it (base64-decoded when flagged), parsed; undefined if not JSON. */
export function decodedBody(request: HostileRequest): unknown {
  if (request.body === undefined) return undefined;
  const text =
    request.encoding === 'not-base64'
      ? Buffer.from(request.body, 'base64').toString('utf8')
      : request.body;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const tokenOf = (response: HttpResponse): string =>
  /^application\/json/.test(response.headers['content-type'] ?? '')
    ? String(JSON.parse(response.body).token)
    : response.body;

export interface HostileHandler {
  /** The handler's answer to `request`. */
  send(request: HostileRequest): Promise<HttpResponse>;
  /** The environment (stand-ins included) of the enclosing describe. */
  readonly env: Environment;
}

/**
 * For a test file of hostile-input properties: after every test no unhandled rejection
 * and no key in a log line or a response, nor a token in a log line (leak-watch.ts); at
 * the end, a tally of the answers each property got.
 */
export function watchHostileInput() {
  const leaks = watchForLeaks();
  failOnProcessFailures();
  const clusterKey = leaks.key('cluster');
  const org5Key = leaks.key('org5');
  /** property → "status code" → count, printed at the end. */
  const tally = new Map<string, Map<string, number>>();
  afterAll(() => {
    let events = 0;
    for (const [property, counts] of tally) {
      const line = [...counts.entries()].sort().map(([label, count]) => `${label}: ${count}`);
      events += [...counts.values()].reduce((sum, count) => sum + count, 0);
      console.log(`hostile input, ${property}: ${line.join(', ')}`);
    }
    console.log(`hostile input: ${events} events through the handler`);
  });

  return {
    /** The real handler with both stand-ins, configured as `setup`, for the enclosing describe. */
    handlerFor(setup: Setup): HostileHandler {
      let env: Environment | undefined;
      beforeAll(async () => {
        env = await leaks.environment({
          clusterKey,
          orgKeys: { 5: org5Key },
          secrets: { 0: clusterKey, 5: JSON.stringify({ secret_key: org5Key }) },
          env: { ORG_MAP: JSON.stringify(ORG_MAP), ...setup.env },
        });
      });
      afterAll(() => env?.close());
      const started = () => {
        if (!env) throw new Error('the handler runs only inside the describe that set it up');
        return env;
      };
      return {
        send: (request) => started().handler(toEvent(request)),
        get env() {
          return started();
        },
      };
    },

    /** Checks a response: documented, shaped, no-store, no key in it; counts it. */
    expectDocumented(property: string, response: HttpResponse) {
      expect(contractViolation(response)).toBeUndefined();
      const label =
        response.statusCode === 200 ? '200' : `${response.statusCode} ${errorCodeOf(response)}`;
      const counts = tally.get(property) ?? new Map<string, number>();
      counts.set(label, (counts.get(label) ?? 0) + 1);
      tally.set(property, counts);
      for (const key of [clusterKey, org5Key]) expect(response.body).not.toContain(key);
    },
  };
}
