// The trusted-auth rules of a ThoughtSpot cluster, without HTTP: which secret
// key may mint a token for which Org (THOUGHTSPOT-FACTS §1, §3), the error codes
// real clusters answer with, and a record of every token minted. The `custom`
// (ABAC) request has its own rules in thoughtspot-custom-tokens.ts.
import { randomBytes, randomUUID } from 'node:crypto';
import * as z from 'zod';
import { THOUGHTSPOT_MAX_INT } from '../../functions/lib/config-rules.cjs';
import type { CustomTokenValues } from './thoughtspot-custom-tokens.js';
import type { KeyKind, OrgInfo, TrustedAuthKeys } from './thoughtspot-keys.js';

/** Which endpoint minted a token: auth/token/full, /object or /custom. */
export type TokenKind = 'full' | 'object' | 'custom';

/** The endpoint of each kind of token (a password login also comes in on `full`'s). */
export const TOKEN_PATHS: Readonly<Record<string, TokenKind>> = {
  '/api/rest/2.0/auth/token/full': 'full',
  '/api/rest/2.0/auth/token/object': 'object',
  '/api/rest/2.0/auth/token/custom': 'custom',
};

export interface MintedToken extends Partial<CustomTokenValues> {
  token: string;
  /** A password login (kept out of `minted`) counts as 'full'. */
  kind: TokenKind;
  username: string;
  orgId: number;
  /** Only for /auth/token/object tokens. */
  objectId?: string;
  /**
   * Which key minted it: the cluster (Org 0) key or the target Org's own key;
   * 'password' for a password login (kept out of `minted`).
   */
  keyKind: KeyKind | 'password';
  /** The token's lifetime as asked for (validity_time_in_sec, default 300). */
  validitySeconds: number;
  createdAt: number;
  /** Epoch milliseconds. */
  expiresAt: number;
  /** As sent; for custom tokens the effective value (absent = true). */
  autoCreate?: boolean;
  email?: string;
  displayName?: string;
  /** group_identifiers, or the identifiers of a custom request's groups. */
  groups?: string[];
}

export interface TokenOutcome {
  status: number;
  body: Record<string, unknown>;
}

/** The fields every trusted-auth token request shares (full, object and custom). */
export const CREDENTIAL_FIELDS = {
  username: z
    .string({ error: 'username is required' })
    .refine((name) => name.trim() !== '', 'username is required'),
  // Real clusters disagree on which wins when both are sent; treat it as a client bug.
  password: z.never({ error: 'send secret_key or password, not both' }).optional(),
  secret_key: z
    .string({ error: 'secret_key is required for trusted authentication' })
    .min(1, 'secret_key is required for trusted authentication'),
  validity_time_in_sec: z.number().int().min(1).max(THOUGHTSPOT_MAX_INT).optional(),
  auto_create: z.boolean().nullable().optional(),
  email: z.string().optional(),
  display_name: z.string().optional(),
};

/** ThoughtSpot's default token lifetime when validity_time_in_sec is left out. */
export const DEFAULT_VALIDITY_SECONDS = 300;

const TokenRequestSchema = z.object({
  ...CREDENTIAL_FIELDS,
  org_id: z.number().int().min(0).optional(),
  object_id: z.string().min(1).optional(),
  group_identifiers: z.array(z.string()).optional(),
});

/** The error body shape real clusters return: {"error":{"message":{code, debug, …}}}. */
export function errorBody(code: number, debug: string): Record<string, unknown> {
  return {
    error: {
      message: { code, incident_id_guid: randomUUID(), trace_id_guid: randomUUID(), debug },
    },
  };
}

export const fail = (status: number, code: number, debug: string): TokenOutcome => ({
  status,
  body: errorBody(code, debug),
});

/** Issue messages name fields and rules only, never submitted values. */
export const badRequest = (error: z.ZodError): TokenOutcome =>
  fail(400, 10002, error.issues.map((issue) => issue.message).join('; '));

/** The fields a caller gives issue(); the authority adds the token and its times. */
export type TokenFields = Omit<MintedToken, 'token' | 'createdAt' | 'expiresAt'>;

export class TokenAuthority {
  private readonly disabledOrgs = new Set<number>();
  private readonly tokens = new Map<string, MintedToken>();
  private readonly userIds = new Map<string, string>();
  /** Cleared by resetCounters(); `tokens` keeps every token so it stays checkable. */
  readonly minted: MintedToken[] = [];

  constructor(
    private readonly keys: TrustedAuthKeys,
    private readonly now: () => number,
  ) {}

  disableOrg(orgId: number): void {
    this.disabledOrgs.add(orgId);
  }

  enableOrg(orgId: number): void {
    this.disabledOrgs.delete(orgId);
  }

  find(token: string): MintedToken | undefined {
    return this.tokens.get(token);
  }

  isValid(token: string): boolean {
    const record = this.tokens.get(token);
    return record !== undefined && this.now() < record.expiresAt;
  }

  /** The user's GUID, the same in every token response and session for that name. */
  userId(username: string): string {
    let userId = this.userIds.get(username);
    if (userId === undefined) {
      userId = randomUUID();
      this.userIds.set(username, userId);
    }
    return userId;
  }

  /** An Org by id; one the cluster was not told of is "Org <id>", as the cluster key mints for any. */
  org(orgId: number): OrgInfo {
    return this.keys.org(orgId) ?? { id: orgId, name: `Org ${orgId}` };
  }

  /** The key rules of every token endpoint: 403 10023 for a disabled Org, then 401 10097. */
  authorize(secretKey: string, orgId: number): KeyKind | TokenOutcome {
    if (this.disabledOrgs.has(orgId)) {
      return fail(403, 10023, `Trusted authentication is not enabled for org ${orgId}`);
    }
    return this.keys.kindOf(secretKey, orgId) ?? fail(401, 10097, 'Invalid secret key');
  }

  /** Handles a parsed /auth/token/{full,object} body (undefined = not JSON). */
  mint(kind: 'full' | 'object', body: unknown): TokenOutcome {
    if (body === undefined) return fail(400, 10002, 'Request body is not valid JSON');
    const parsed = TokenRequestSchema.safeParse(body);
    if (!parsed.success) return badRequest(parsed.error);
    const request = parsed.data;
    if (kind === 'object' && request.object_id === undefined) {
      return fail(400, 10002, 'object_id is required');
    }
    // Sources disagree on what a missing org_id means; the stand-in picks Org 0.
    const orgId = request.org_id ?? 0;
    const keyKind = this.authorize(request.secret_key, orgId);
    if (typeof keyKind !== 'string') return keyKind;

    return this.issue({
      kind,
      username: request.username,
      orgId,
      keyKind,
      validitySeconds: request.validity_time_in_sec ?? DEFAULT_VALIDITY_SECONDS,
      ...(kind === 'object' && request.object_id !== undefined
        ? { objectId: request.object_id }
        : {}),
      ...(request.auto_create == null ? {} : { autoCreate: request.auto_create }),
      ...(request.email === undefined ? {} : { email: request.email }),
      ...(request.display_name === undefined ? {} : { displayName: request.display_name }),
      ...(request.group_identifiers === undefined ? {} : { groups: request.group_identifiers }),
    });
  }

  /**
   * Issues a token for a checked full/object request, or a password login's
   * bearer token, answering ThoughtSpot's `Token` shape.
   */
  issue(fields: TokenFields): TokenOutcome {
    return { status: 200, body: this.tokenBody(this.record(fields)) };
  }

  /**
   * Stores a new token: a trusted-auth one is also counted in `minted`, a password
   * login's bearer token is not.
   */
  record(fields: TokenFields): MintedToken {
    const createdAt = this.now();
    const record: MintedToken = {
      token: this.newToken(),
      ...fields,
      createdAt,
      expiresAt: createdAt + fields.validitySeconds * 1000,
    };
    this.tokens.set(record.token, record);
    if (record.keyKind !== 'password') this.minted.push(record);
    return record;
  }

  private newToken(): string {
    for (;;) {
      const token = `tsstandin-token-${randomBytes(12).toString('hex')}`;
      if (!this.tokens.has(token)) return token;
    }
  }

  private tokenBody(record: MintedToken): Record<string, unknown> {
    return {
      token: record.token,
      creation_time_in_millis: record.createdAt,
      expiration_time_in_millis: record.expiresAt,
      scope: {
        access_type: record.objectId === undefined ? 'FULL' : 'REPORT_BOOK_VIEW',
        org_id: record.orgId,
        metadata_id: record.objectId ?? null,
      },
      valid_for_user_id: this.userId(record.username),
      valid_for_username: record.username,
    };
  }
}
