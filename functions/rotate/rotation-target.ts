import * as z from 'zod/mini';
import { orgIdOfSecretName } from '../lib/secret-names.js';
import { AWSCURRENT, AWSPENDING, versionWith } from '../lib/secret-stages.js';
import { NotAnOrgSecretError, RotationError } from './errors.js';
import type { SecretVersionsPort } from './secret-versions.js';

/** What Secrets Manager invokes the function with (AWS-AND-ABAC-FACTS §1.2). */
const RotationEventSchema = z.object({
  Step: z.enum(['createSecret', 'setSecret', 'testSecret', 'finishSecret']),
  SecretId: z.string().check(z.minLength(1)),
  ClientRequestToken: z.string().check(z.minLength(1)),
});
export type RotationEvent = z.infer<typeof RotationEventSchema>;
export type RotationStep = RotationEvent['Step'];

/** The secret and version a step works on. */
export interface RotationTarget {
  arn: string;
  name: string;
  orgId: number;
  /** The event's ClientRequestToken: the new version. */
  versionId: string;
  /** The version AWSCURRENT is on now, if any: the token's own once the rotation finished. */
  currentVersionId: string | undefined;
}

export function parseRotationEvent(event: unknown): RotationEvent {
  const parsed = RotationEventSchema.safeParse(event);
  if (!parsed.success) {
    throw new RotationError(
      'The event is not a Secrets Manager rotation event {Step, SecretId, ClientRequestToken}.',
    );
  }
  return parsed.data;
}

/**
 * Which Org the secret is for, from its name (SPEC §6), and the checks AWS's
 * rotation templates make before any step (AWS-AND-ABAC-FACTS §1.3). Reads only
 * DescribeSecret: a secret that is not an Org's key is refused before ThoughtSpot
 * is touched.
 */
export async function rotationTarget(
  event: RotationEvent,
  secrets: Pick<SecretVersionsPort, 'describe'>,
  secretIdTemplate: string,
): Promise<RotationTarget> {
  const described = await secrets.describe(event.SecretId);
  const orgId = orgIdOfSecretName(secretIdTemplate, described.name);
  if (orgId === undefined) {
    throw new NotAnOrgSecretError(
      `Secret ${described.name} is not an Org key secret (SECRET_ID_TEMPLATE ${secretIdTemplate}); it is not rotated.`,
    );
  }
  if (!described.rotationEnabled) {
    throw new RotationError(`Rotation is not enabled for secret ${described.name}.`);
  }
  const versionId = event.ClientRequestToken;
  const stages = described.stages[versionId];
  if (!stages) {
    throw new RotationError(
      `Version ${versionId} is not a version of secret ${described.name} with a staging label.`,
    );
  }
  if (!stages.includes(AWSCURRENT) && !stages.includes(AWSPENDING)) {
    throw new RotationError(
      `Version ${versionId} of secret ${described.name} is neither AWSCURRENT nor AWSPENDING.`,
    );
  }
  const currentVersionId = versionWith(described.stages, AWSCURRENT);
  return { arn: described.arn, name: described.name, orgId, versionId, currentVersionId };
}
