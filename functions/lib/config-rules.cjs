// @ts-check
// The configuration rules of SPEC §4 that more than one place enforces, defined
// once: the function's config parser (config.ts), the package-time checks
// (infra/serverless/resolvers.cjs), serverless.yml's stage params and Lambda
// timeout, the keys CLI and the tests all read them from here.
// CommonJS without dependencies: osls loads package-time code with require(),
// while TypeScript, esbuild (the Lambda bundle), tsx and vitest import it as is.
'use strict';

/** ThoughtSpot's integer fields (`org_id`, `validity_time_in_sec`) are 32-bit signed. */
const THOUGHTSPOT_MAX_INT = 2_147_483_647;
/** The CloudWatch namespace of the service's metrics, which its alarms and dashboard watch. */
const METRICS_NAMESPACE = 'ThoughtSpotTokenService';

/** Org ids run from 0 (the primary Org) to this. */
const MAX_ORG_ID = THOUGHTSPOT_MAX_INT;
/** The longest token validity ThoughtSpot can be asked for. */
const MAX_VALIDITY_SECONDS = THOUGHTSPOT_MAX_INT;

/**
 * The Lambda timeout; serverless.yml's `provider.timeout` reads it from here. It
 * must stay under API Gateway's 30 s integration limit.
 */
const LAMBDA_TIMEOUT_SECONDS = 10;
/**
 * The rotation function's Lambda timeout (serverless.yml reads it from here). One
 * createSecret makes up to nine ThoughtSpot calls (login and search from the
 * Primary Org, login and search in the Org, DISABLED, three ENABLED attempts 1 s
 * and 2 s apart, search), each bounded by THOUGHTSPOT_TIMEOUT_MS (at most 7 s), plus
 * a few Secrets Manager calls: about 70 s if every call used its whole deadline.
 * Lambda killing the function between DISABLED and ENABLED would leave trusted auth
 * off until Secrets Manager's retry, so the limit is well above that.
 */
const ROTATION_LAMBDA_TIMEOUT_SECONDS = 120;
/** Deadline for one GetSecretValue, SDK retries included. */
const SECRET_LOOKUP_TIMEOUT_MS = 1000;
/**
 * Lambda time kept back from THOUGHTSPOT_TIMEOUT_MS for Secrets Manager: a request
 * makes at most three lookups outside that deadline, one after the other (its Org's
 * secret, Org 0's on fallback, and the forced re-read after ThoughtSpot rejects a
 * cached key). The rotation wait and the retry stay inside the deadline.
 */
const SECRET_LOOKUP_BUDGET_MS = 3 * SECRET_LOOKUP_TIMEOUT_MS;

/**
 * The largest THOUGHTSPOT_TIMEOUT_MS a Lambda timeout leaves room for. The deadline
 * must end before the Lambda is killed, so that the function itself answers
 * `504 thoughtspot_timeout` and logs and counts it; a killed invocation reaches the
 * caller as API Gateway's bare 500 and never reaches our logs or metrics. The
 * function cannot read its own timeout at cold start (Lambda tells it only per
 * invocation), so its config check uses LAMBDA_TIMEOUT_SECONDS and the package-time
 * check uses the stack's timeout, which serverless.yml takes from the same constant:
 * both accept exactly the same values.
 * @param {number} lambdaTimeoutSeconds
 */
const maxThoughtSpotTimeoutMs = (lambdaTimeoutSeconds) =>
  lambdaTimeoutSeconds * 1000 - SECRET_LOOKUP_BUDGET_MS;

/**
 * SPEC §4 defaults, as text (the form environment variables and stage params take).
 * THOUGHTSPOT_HOST is required and GROUPS_CLAIM optional: neither has a default.
 */
const DEFAULTS = Object.freeze({
  SECRET_ID_TEMPLATE: 'thoughtspot/trusted-auth/org/{orgId}',
  FALLBACK_TO_PRIMARY_ORG: 'true',
  SECRET_CACHE_TTL_SECONDS: '300',
  SECRET_MAX_STALE_SECONDS: '3600',
  USERNAME_CLAIM: 'email',
  ORG_CLAIM: 'ts_org',
  ORG_MAP: '{}',
  DEFAULT_ORG_ID: '0',
  TOKEN_VALIDITY_SECONDS: '300',
  MAX_TOKEN_VALIDITY_SECONDS: '3600',
  THOUGHTSPOT_TIMEOUT_MS: '5000',
  AUTO_CREATE_USERS: 'false',
  DISPLAY_NAME_CLAIM: 'name',
});

/** The rotation function's own defaults (SPEC §6), as text; it also reads the SPEC §4 ones above. */
const ROTATION_DEFAULTS = Object.freeze({
  THOUGHTSPOT_ADMIN_SECRET_ID: 'thoughtspot/trusted-auth/admin',
});

/** Inclusive bounds of the integer variables. */
const INTEGER_LIMITS = Object.freeze({
  SECRET_CACHE_TTL_SECONDS: { min: 0, max: 86_400 },
  SECRET_MAX_STALE_SECONDS: { min: 0, max: 604_800 },
  DEFAULT_ORG_ID: { min: 0, max: MAX_ORG_ID },
  TOKEN_VALIDITY_SECONDS: { min: 1, max: MAX_VALIDITY_SECONDS },
  MAX_TOKEN_VALIDITY_SECONDS: { min: 1, max: MAX_VALIDITY_SECONDS },
  THOUGHTSPOT_TIMEOUT_MS: { min: 100, max: maxThoughtSpotTimeoutMs(LAMBDA_TIMEOUT_SECONDS) },
});

/**
 * `text` as a whole number within `limits` (surrounding whitespace ignored), or
 * undefined: no sign, decimal point, exponent or hex.
 * @param {string} text
 * @param {{ min: number, max: number }} limits
 * @returns {number | undefined}
 */
function integerWithin(text, { min, max }) {
  const trimmed = text.trim();
  const parsed = /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  return Number.isSafeInteger(parsed) && parsed >= min && parsed <= max ? parsed : undefined;
}

/**
 * `text` as an Org id written the way one prints ("5", never "05", "+5" or "5.0"), or
 * undefined: a secret name or a policy key in any other spelling would never match.
 * @param {string} text
 * @returns {number | undefined}
 */
function canonicalOrgId(text) {
  return /^(0|[1-9]\d{0,9})$/.test(text) && Number(text) <= MAX_ORG_ID ? Number(text) : undefined;
}

/**
 * Loopback host names as `URL.hostname` spells them: the only hosts plain http is
 * allowed for (THOUGHTSPOT_HOST, CORS origins).
 * @param {string} hostname
 */
const isLoopbackHost = (hostname) =>
  hostname === 'localhost' ||
  hostname === '[::1]' ||
  /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);

/** Where the Org id goes in SECRET_ID_TEMPLATE. */
const ORG_ID_PLACEHOLDER = '{orgId}';
// Secrets Manager names: letters, digits and /_+=.@- (no wildcards).
const SECRET_NAME_CHARS = /^[A-Za-z0-9/_+=.@-]*$/;

/**
 * What is wrong with a SECRET_ID_TEMPLATE, or undefined if nothing is. The IAM
 * policy grants GetSecretValue on the fixed part before `{orgId}`, so that part
 * must exist, `{orgId}` must appear once, and the template must be a plain secret
 * name (an ARN or a wildcard would not make a usable prefix).
 * @param {string} template
 * @returns {string | undefined}
 */
function secretIdTemplateProblem(template) {
  const first = template.indexOf(ORG_ID_PLACEHOLDER);
  if (first < 0 || first !== template.lastIndexOf(ORG_ID_PLACEHOLDER)) {
    return `must contain ${ORG_ID_PLACEHOLDER} exactly once`;
  }
  if (template.startsWith('arn:')) return 'must be a secret name, not an ARN';
  if (first === 0) {
    return `needs a fixed prefix before ${ORG_ID_PLACEHOLDER}, or IAM would grant every secret`;
  }
  if (!SECRET_NAME_CHARS.test(template.replace(ORG_ID_PLACEHOLDER, ''))) {
    return 'may only use the characters Secrets Manager allows in names (no * or ?)';
  }
  return undefined;
}

/**
 * The part of a valid SECRET_ID_TEMPLATE before `{orgId}`: every Org's secret name
 * starts with it.
 * @param {string} template
 */
const secretNamePrefix = (template) => template.slice(0, template.indexOf(ORG_ID_PLACEHOLDER));

/** The start of a Secrets Manager secret ARN, up to the secret's name. */
const SECRET_ARN_START = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:/;

/**
 * What is wrong with THOUGHTSPOT_ADMIN_SECRET_ID, or undefined if nothing is: it
 * must be a secret name or a Secrets Manager secret ARN, and its name must lie
 * outside the Org secrets' prefix (secretNamePrefix of SECRET_ID_TEMPLATE), or the
 * token function, which may read every secret under that prefix, could read the
 * admin password. `orgSecretPrefix` undefined: the prefix is not known, only the
 * form is checked.
 * @param {string} id
 * @param {string | undefined} orgSecretPrefix
 * @returns {string | undefined}
 */
function adminSecretIdProblem(id, orgSecretPrefix) {
  const isArn = id.startsWith('arn:');
  const name = id.replace(SECRET_ARN_START, '');
  if (name === '' || !SECRET_NAME_CHARS.test(name) || (isArn && name === id)) {
    return 'must be a Secrets Manager secret name or ARN';
  }
  if (orgSecretPrefix !== undefined && name.startsWith(orgSecretPrefix)) {
    return `must not start with the Org secrets' prefix "${orgSecretPrefix}": the token function may read those`;
  }
  return undefined;
}

module.exports = {
  METRICS_NAMESPACE,
  THOUGHTSPOT_MAX_INT,
  MAX_ORG_ID,
  MAX_VALIDITY_SECONDS,
  LAMBDA_TIMEOUT_SECONDS,
  ROTATION_LAMBDA_TIMEOUT_SECONDS,
  SECRET_LOOKUP_TIMEOUT_MS,
  SECRET_LOOKUP_BUDGET_MS,
  maxThoughtSpotTimeoutMs,
  DEFAULTS,
  ROTATION_DEFAULTS,
  INTEGER_LIMITS,
  integerWithin,
  canonicalOrgId,
  isLoopbackHost,
  ORG_ID_PLACEHOLDER,
  SECRET_NAME_CHARS,
  secretIdTemplateProblem,
  secretNamePrefix,
  adminSecretIdProblem,
};
