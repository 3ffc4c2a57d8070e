// The `custom` (ABAC) token endpoint of the ThoughtSpot stand-in:
// `POST /api/rest/2.0/auth/token/custom` takes ThoughtSpot's request
// (THOUGHTSPOT-FACTS §1.3, AWS-AND-ABAC-FACTS §4), applies the key rules of full
// tokens, and answers an `AccessToken` (§1.4: `org: {id, name}`, `user: {id, name}`).
// Each token is recorded with the ABAC values it carries, exactly as received, so
// tests and the embedded page can show what a policy sent.
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { MAX_ORG_ID } from '../../functions/lib/config-rules.cjs';
import { FILTER_OPERATORS } from '../../functions/lib/policy-schema.js';
import type { TrustedAuthKeys } from './thoughtspot-keys.js';
import {
  badRequest,
  CREDENTIAL_FIELDS,
  DEFAULT_VALIDITY_SECONDS,
  fail,
  type TokenAuthority,
  type TokenOutcome,
} from './thoughtspot-tokens.js';

const PERSIST_OPTIONS = ['REPLACE', 'APPEND', 'NONE', 'RESET'] as const;

// ThoughtSpot types values as `any[]`; the stand-in takes only strings, which is all
// the service ever sends (SPEC §7), so a number slipping through fails a test.
const values = (owner: string) =>
  z.array(z.string({ error: `${owner}[].values must hold strings` }), {
    error: `${owner}[].values must be a list`,
  });

const VariableValueSchema = z.object({
  name: z
    .string({ error: 'variable_values[].name is required' })
    .min(1, 'variable_values[].name is required'),
  values: values('variable_values'),
});

const FilterRuleSchema = z.object({
  column_name: z
    .string({ error: 'filter_rules[].column_name is required' })
    .min(1, 'filter_rules[].column_name is required'),
  operator: z.enum(FILTER_OPERATORS, {
    error: `filter_rules[].operator must be one of ${FILTER_OPERATORS.join(', ')}`,
  }),
  values: values('filter_rules'),
});

const CustomTokenRequestSchema = z
  .object({
    ...CREDENTIAL_FIELDS,
    org_identifier: z
      .string({ error: 'org_identifier must be a string: the Org id as text, or its name' })
      .min(1, 'org_identifier must not be empty')
      .optional(),
    persist_option: z.enum(PERSIST_OPTIONS, {
      error: `persist_option is required: one of ${PERSIST_OPTIONS.join(', ')}`,
    }),
    variable_values: z.array(VariableValueSchema).optional(),
    filter_rules: z.array(FilterRuleSchema).optional(),
    groups: z
      .array(z.object({ identifier: z.string().min(1) }), {
        error: 'groups must be a list of {identifier}',
      })
      .optional(),
  })
  .refine(
    (request) =>
      request.variable_values === undefined ||
      request.persist_option === 'REPLACE' ||
      request.persist_option === 'APPEND',
    {
      // ThoughtSpot's own words (GetCustomAccessTokenRequest).
      message: 'RESET and NONE are not applicable if you are setting variable_values',
      path: ['persist_option'],
    },
  );

type CustomTokenRequest = z.output<typeof CustomTokenRequestSchema>;
export type VariableValue = z.output<typeof VariableValueSchema>;
export type FilterRule = z.output<typeof FilterRuleSchema>;
export type PersistOption = (typeof PERSIST_OPTIONS)[number];

/** What a custom token carries besides a full token's fields, as the request sent it. */
export interface CustomTokenValues {
  persistOption: PersistOption;
  /** Absent when the request had no variable_values. */
  variableValues?: VariableValue[];
  /** Absent when the request had no filter_rules. */
  filterRules?: FilterRule[];
}

/**
 * The Org a request is for: `org_identifier` as an id (any id, as the cluster key
 * mints for any Org) or an Org's name; left out, the key's own Org (AWS-AND-ABAC-FACTS §4).
 */
function orgOf(request: CustomTokenRequest, keys: TrustedAuthKeys): number | undefined {
  const identifier = request.org_identifier;
  if (identifier === undefined) return keys.orgOfKey(request.secret_key) ?? 0;
  if (/^\d+$/.test(identifier)) {
    const id = Number(identifier);
    return id <= MAX_ORG_ID ? id : undefined;
  }
  return keys.resolveOrg(identifier);
}

/** Handles a parsed /auth/token/custom body (undefined = not JSON). */
export function mintCustomToken(
  authority: TokenAuthority,
  keys: TrustedAuthKeys,
  body: unknown,
): TokenOutcome {
  if (body === undefined) return fail(400, 10002, 'Request body is not valid JSON');
  const parsed = CustomTokenRequestSchema.safeParse(body);
  if (!parsed.success) return badRequest(parsed.error);
  const request = parsed.data;
  const orgId = orgOf(request, keys);
  if (orgId === undefined) return fail(400, 10002, 'org_identifier names no Org of this cluster');
  const keyKind = authority.authorize(request.secret_key, orgId);
  if (typeof keyKind !== 'string') return keyKind;

  const record = authority.record({
    kind: 'custom',
    username: request.username,
    orgId,
    keyKind,
    validitySeconds: request.validity_time_in_sec ?? DEFAULT_VALIDITY_SECONDS,
    persistOption: request.persist_option,
    ...(request.variable_values && { variableValues: request.variable_values }),
    ...(request.filter_rules && { filterRules: request.filter_rules }),
    // Unlike full and object, custom creates missing users unless told not to.
    autoCreate: request.auto_create ?? true,
    ...(request.email !== undefined && { email: request.email }),
    ...(request.display_name !== undefined && { displayName: request.display_name }),
    ...(request.groups && { groups: request.groups.map((group) => group.identifier) }),
  });
  return {
    status: 200,
    body: {
      id: randomUUID(),
      token: record.token,
      org: authority.org(orgId),
      user: { id: authority.userId(record.username), name: record.username },
      creation_time_in_millis: record.createdAt,
      expiration_time_in_millis: record.expiresAt,
    },
  };
}
