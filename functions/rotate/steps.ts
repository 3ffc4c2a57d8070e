import { parseSecretValue } from '../lib/secret-keys.js';
import { AWSCURRENT, AWSPENDING } from '../lib/secret-stages.js';
import {
  isTrustedAuthOff,
  type MintToken,
  TokenRejectedError,
  type TrustedAuthLevel,
  trustedAuthKey,
} from '../lib/thoughtspot.js';
import { RotationError, TrustedAuthOffError } from './errors.js';
import type { OrgTrustedAuthPort } from './org-trusted-auth.js';
import type { RotationStep, RotationTarget } from './rotation-target.js';
import { readStoredValue } from './secret-format.js';
import type { SecretVersionsPort } from './secret-versions.js';

/**
 * The four steps of Secrets Manager's rotation protocol for one Org key (SPEC §6).
 * ThoughtSpot makes the key: rotating is "disable, then enable", and the old key
 * dies at the disable. Every step may run again (Secrets Manager retries the
 * whole rotation with the same token), so each one first looks at where an earlier
 * attempt stopped. Values never go into a log line or an error.
 */

export interface RotationPorts {
  secrets: SecretVersionsPort;
  trustedAuth: OrgTrustedAuthPort;
  mintToken: MintToken;
  /** ROTATION_TEST_USER, or the admin username. */
  testUser(): Promise<string>;
  /** A log line beside the step's own, for what an operator should know. */
  warn(message: string, fields?: Record<string, unknown>): void;
  sleep(ms: number): Promise<void>;
}

/** How a step ended, for its log line. */
export interface StepResult {
  outcome: string;
  fields?: Record<string, unknown>;
}

type StepFunction = (target: RotationTarget, ports: RotationPorts) => Promise<StepResult>;

/** A failed ENABLED is tried this often within the invocation, waiting RETRY_DELAY_MS × attempt. */
export const ENABLE_ATTEMPTS = 3;
const ENABLE_RETRY_DELAY_MS = 1000;
/** The test token's lifetime (SPEC §6). */
const TEST_TOKEN_VALIDITY_SECONDS = 60;

/** The level's key (trustedAuthKey), with a warning when ThoughtSpot lists more than one. */
function keyOf(level: TrustedAuthLevel, orgId: number, ports: RotationPorts): string | undefined {
  const key = trustedAuthKey(level);
  if (key !== undefined && level.keys.length > 1) {
    ports.warn('ThoughtSpot lists more than one key for the Org; using the first (unexpected)', {
      orgId,
      keyCount: level.keys.length,
    });
  }
  return key;
}

async function pendingKey(target: RotationTarget, ports: RotationPorts): Promise<string> {
  const value = await ports.secrets.read(target.arn, {
    versionId: target.versionId,
    stage: AWSPENDING,
  });
  if (value === undefined) {
    throw new RotationError(
      `The AWSPENDING version ${target.versionId} of secret ${target.name} has no value yet.`,
    );
  }
  return parseSecretValue(value);
}

/** ENABLED, retried within the invocation. Resolves to the last error when every attempt failed. */
async function enable(orgId: number, ports: RotationPorts): Promise<unknown> {
  let failure: unknown;
  for (let attempt = 1; attempt <= ENABLE_ATTEMPTS; attempt++) {
    try {
      await ports.trustedAuth.setStatus(orgId, 'ENABLED');
      return undefined;
    } catch (error) {
      failure = error;
      if (attempt < ENABLE_ATTEMPTS) await ports.sleep(ENABLE_RETRY_DELAY_MS * attempt);
    }
  }
  return failure ?? new RotationError('auth/configure ENABLED failed.');
}

/**
 * The Org's level once ENABLED was sent. A failed ENABLED may have lost only its
 * answer, so search decides whether trusted auth is on; off, or unknown, is an
 * error that says so.
 */
async function levelAfterEnable(orgId: number, ports: RotationPorts): Promise<TrustedAuthLevel> {
  const enableFailure = await enable(orgId, ports);
  const failed =
    enableFailure === undefined ? '' : ` after ${ENABLE_ATTEMPTS} failed ENABLED calls`;
  let level: TrustedAuthLevel;
  try {
    level = await ports.trustedAuth.read(orgId);
  } catch (error) {
    if (enableFailure === undefined) throw error;
    throw new TrustedAuthOffError(orgId, 'may be', `auth/search could not check${failed}`, {
      cause: enableFailure,
    });
  }
  if (isTrustedAuthOff(level)) {
    throw new TrustedAuthOffError(orgId, 'is', `auth/search lists no key${failed}`, {
      cause: enableFailure,
    });
  }
  return level;
}

/** A new key from ThoughtSpot: DISABLED (unless the Org is off already), ENABLED, search. */
async function newKey(
  orgId: number,
  before: TrustedAuthLevel,
  currentKey: string,
  ports: RotationPorts,
): Promise<{ key: string; outcome: string }> {
  let disableFailure: unknown;
  if (isTrustedAuthOff(before)) {
    // An earlier attempt that stopped between DISABLED and ENABLED looks just like this.
    ports.warn('Trusted authentication was off for the Org; rotation turns it on', {
      orgId,
      authStatus: before.authStatus ?? 'none',
    });
  } else {
    try {
      await ports.trustedAuth.setStatus(orgId, 'DISABLED');
    } catch (error) {
      // The change may have happened with the answer lost: enable either way.
      disableFailure = error;
    }
  }
  const key = keyOf(await levelAfterEnable(orgId, ports), orgId, ports);
  if (key === undefined || key === currentKey) {
    throw new RotationError(
      disableFailure === undefined
        ? `ThoughtSpot kept the same key for Org ${orgId} through DISABLED and ENABLED.`
        : `auth/configure DISABLED failed for Org ${orgId}: the key was not rotated; trusted authentication stays on.`,
      { cause: disableFailure },
    );
  }
  return { key, outcome: isTrustedAuthOff(before) ? 'enabled-and-stored' : 'rotated-and-stored' };
}

/**
 * Makes ThoughtSpot's new key the AWSPENDING value. ThoughtSpot is asked (search)
 * before anything changes; a key it already holds that differs from AWSCURRENT is
 * taken as it is, so a retry never disables twice.
 */
export const createSecret: StepFunction = async (target, ports) => {
  const { arn, orgId, versionId } = target;
  if ((await ports.secrets.read(arn, { versionId })) !== undefined) {
    return { outcome: 'already-stored' };
  }
  const currentValue = await ports.secrets.read(arn, { stage: AWSCURRENT });
  if (currentValue === undefined) {
    throw new RotationError(`Secret ${target.name} has no AWSCURRENT value to rotate from.`);
  }
  const current = readStoredValue(currentValue);

  const before = await ports.trustedAuth.read(orgId);
  const held = keyOf(before, orgId, ports);
  let result: { key: string; outcome: string };
  if (held !== undefined && held !== current.key) {
    ports.warn('ThoughtSpot already holds a key for the Org other than AWSCURRENT; storing it', {
      orgId,
    });
    result = { key: held, outcome: 'stored-key-thoughtspot-holds' };
  } else {
    result = await newKey(orgId, before, current.key, ports);
  }
  await ports.secrets.putPending(arn, versionId, current.withKey(result.key));
  return { outcome: result.outcome };
};

/** ThoughtSpot made the key itself in createSecret: check it holds the AWSPENDING value. */
export const setSecret: StepFunction = async (target, ports) => {
  const pending = await pendingKey(target, ports);
  const level = await ports.trustedAuth.read(target.orgId);
  const key = keyOf(level, target.orgId, ports);
  if (key === undefined) {
    throw new RotationError(
      `ThoughtSpot lists no key for Org ${target.orgId}: trusted auth is off.`,
    );
  }
  if (key !== pending) {
    throw new RotationError(
      `ThoughtSpot's key for Org ${target.orgId} is not the AWSPENDING value (changed outside this rotation?): remove AWSPENDING from version ${target.versionId}, then rotate again.`,
    );
  }
  return { outcome: 'thoughtspot-holds-pending' };
};

/**
 * A real 60 s token with the AWSPENDING key. Also runs alone (RotateImmediately
 * false, AWSPENDING a copy of the current key): it reads and mints, changing nothing.
 */
export const testSecret: StepFunction = async (target, ports) => {
  const key = await pendingKey(target, ports);
  const username = await ports.testUser();
  const trace = { attempts: 0 };
  try {
    await ports.mintToken(
      {
        username,
        orgId: target.orgId,
        secretKey: key,
        validitySeconds: TEST_TOKEN_VALIDITY_SECONDS,
      },
      trace,
    );
  } catch (error) {
    if (!(error instanceof TokenRejectedError)) throw error;
    throw new RotationError(
      `ThoughtSpot refused a test token with the AWSPENDING key for ROTATION_TEST_USER in Org ${target.orgId} (${error.message}).`,
      { cause: error },
    );
  }
  return { outcome: 'test-token-minted', fields: { thoughtspotAttempts: trace.attempts } };
};

/** AWSCURRENT moves to the new version; the old one becomes AWSPREVIOUS. */
export const finishSecret: StepFunction = async (target, ports) => {
  await ports.secrets.moveCurrent(target.arn, target.versionId, target.currentVersionId);
  return { outcome: 'moved-awscurrent', fields: { previousVersionId: target.currentVersionId } };
};

const STEPS: Readonly<Record<RotationStep, StepFunction>> = {
  createSecret,
  setSecret,
  testSecret,
  finishSecret,
};

/**
 * The event's step. A token that already is AWSCURRENT finished its rotation: every
 * step, a late retry of any of them included, then does nothing.
 */
export async function runStep(
  step: RotationStep,
  target: RotationTarget,
  ports: RotationPorts,
): Promise<StepResult> {
  if (target.currentVersionId === target.versionId) return { outcome: 'already-current' };
  return STEPS[step](target, ports);
}
