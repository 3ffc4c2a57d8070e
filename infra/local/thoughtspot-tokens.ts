// The trusted-auth rules of a ThoughtSpot cluster, without HTTP: which secret
// key may mint a token for which Org (THOUGHTSPOT-FACTS §1, §3), the error codes
// real clusters answer with, and a record of every token minted.
import { randomBytes, randomUUID } from 'node:crypto';
import * as z from 'zod';
import { THOUGHTSPOT_MAX_INT } from '../../functions/lib/config-rules.cjs';
import type { KeyKind, TrustedAuthKeys } from './thoughtspot-keys.js';

export interface MintedToken {
  token: string;
  username: string;
  orgId: number;
  /** Only for /auth/token/object tokens. */
  objectId?: string;
  /**
   * Which key minted it: the cluster (Org 0) key or the target Org's own key;
   * 'password' for a password login (kept out of `minted`).
   */
  keyKind: KeyKind | 'password';
  validitySeconds: number;
  createdAt: number;
  /** Epoch milliseconds. */
  expiresAt: number;
  autoCreate?: boolean;
  email?: string;
  displayName?: string;
  groups?: string[];
}

export type TokenKind = 'full' | 'object';

export interface TokenOutcome {
  status: number;
  body: Record<string, unknown>;
}

const TokenRequestSchema = z.object({
  username: z
    .string({ error: 'username is required' })
    .refine((name) => name.trim() !== '', 'username is required'),
  // Real clusters disagree on which wins when both are sent; treat it as a client bug.
  password: z.never({ error: 'send secret_key or password, not both' }).optional(),
  secret_key: z
    .string({ error: 'secret_key is required for trusted authentication' })
    .min(1, 'secret_key is required for trusted authentication'),
  validity_time_in_sec: z.number().int().min(1).max(THOUGHTSPOT_MAX_INT).optional(),
  org_id: z.number().int().min(0).optional(),
  object_id: z.string().min(1).optional(),
  auto_create: z.boolean().nullable().optional(),
  email: z.string().optional(),
  display_name: z.string().optional(),
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

  /** Handles a parsed /auth/token/{full,object} body (undefined = not JSON). */
  mint(kind: TokenKind, body: unknown): TokenOutcome {
    if (body === undefined) return fail(400, 10002, 'Request body is not valid JSON');
    const parsed = TokenRequestSchema.safeParse(body);
    if (!parsed.success) {
      // Issue messages name fields and rules only, never submitted values.
      return fail(400, 10002, parsed.error.issues.map((issue) => issue.message).join('; '));
    }
    const request = parsed.data;
    if (kind === 'object' && request.object_id === undefined) {
      return fail(400, 10002, 'object_id is required');
    }
    // Sources disagree on what a missing org_id means; the stand-in picks Org 0.
    const orgId = request.org_id ?? 0;
    if (this.disabledOrgs.has(orgId)) {
      return fail(403, 10023, `Trusted authentication is not enabled for org ${orgId}`);
    }
    const keyKind = this.keys.kindOf(request.secret_key, orgId);
    if (keyKind === undefined) return fail(401, 10097, 'Invalid secret key');

    return this.issue({
      username: request.username,
      orgId,
      keyKind,
      validitySeconds: request.validity_time_in_sec ?? 300,
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
   * Issues a token for a checked request: a trusted-auth one (counted in
   * `minted`) or a password login's bearer token (not counted).
   */
  issue(fields: Omit<MintedToken, 'token' | 'createdAt' | 'expiresAt'>): TokenOutcome {
    const createdAt = this.now();
    const record: MintedToken = {
      token: this.newToken(),
      ...fields,
      createdAt,
      expiresAt: createdAt + fields.validitySeconds * 1000,
    };
    this.tokens.set(record.token, record);
    if (record.keyKind !== 'password') this.minted.push(record);
    return { status: 200, body: this.tokenBody(record) };
  }

  private newToken(): string {
    for (;;) {
      const token = `tsstandin-token-${randomBytes(12).toString('hex')}`;
      if (!this.tokens.has(token)) return token;
    }
  }

  private tokenBody(record: MintedToken): Record<string, unknown> {
    let userId = this.userIds.get(record.username);
    if (userId === undefined) {
      userId = randomUUID();
      this.userIds.set(record.username, userId);
    }
    return {
      token: record.token,
      creation_time_in_millis: record.createdAt,
      expiration_time_in_millis: record.expiresAt,
      scope: {
        access_type: record.objectId === undefined ? 'FULL' : 'REPORT_BOOK_VIEW',
        org_id: record.orgId,
        metadata_id: record.objectId ?? null,
      },
      valid_for_user_id: userId,
      valid_for_username: record.username,
    };
  }
}
