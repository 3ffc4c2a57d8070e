import {
  DEFAULTS,
  METRICS_NAMESPACE,
  secretNamePrefix,
} from '../../functions/lib/config-rules.cjs';

// What the packaged templates must hold, shared by the template tests. The packages
// were built by global-setup.ts: `npm run package` (dev stage, defaults) into
// .serverless/, and a prod variant with every param given.

export const SERVICE = 'thoughtspot-token-service';
export const NAMESPACE = METRICS_NAMESPACE;

/** SPEC §4: every variable with its default (THOUGHTSPOT_HOST has none). */
export const SPEC_DEFAULTS = {
  ...DEFAULTS,
  GROUPS_CLAIM: '', // unset: the function treats '' as absent
};

export const SECRET_ARN = {
  'Fn::Sub': `arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${secretNamePrefix(DEFAULTS.SECRET_ID_TEMPLATE)}*`,
};

/** The token function's Secrets Manager actions: DescribeSecret shows a rotation in progress (SPEC §5). */
export const TOKEN_SECRET_ACTIONS = [
  'secretsmanager:GetSecretValue',
  'secretsmanager:DescribeSecret',
];

/** Strings that would be a credential if they ever reached the template. */
export const CREDENTIAL_PATTERNS = [
  /\bA(KI|SI)A[0-9A-Z]{16}\b/, // AWS access key id
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/i, // ThoughtSpot secret keys are UUIDs
  /secret_key"?\s*[:=]/i,
];
