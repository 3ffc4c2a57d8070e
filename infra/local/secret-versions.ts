// The versions of one secret and their staging labels, with the rules AWS
// Secrets Manager applies to them (AWS-AND-ABAC-FACTS §1.1, §1.3, §1.6): one
// label sits on one version at most; moving AWSCURRENT puts AWSPREVIOUS on the
// version it left; a version may exist without a value (the AWSPENDING
// placeholder RotateSecret registers); a version's value never changes.
import { AWSCURRENT, AWSPENDING, AWSPREVIOUS } from '../../functions/lib/secret-stages.js';
import { AwsError } from './secrets-manager-inputs.js';

export { AWSCURRENT, AWSPENDING, AWSPREVIOUS };

export interface SecretVersion {
  readonly id: string;
  /** Undefined for a placeholder: GetSecretValue answers ResourceNotFoundException. */
  value?: string;
  /** In the order they were attached, as AWS lists them. */
  stages: string[];
  readonly createdAt: Date;
}

/** Unlabelled versions beyond this many are pruned once older than a day, as AWS does. */
const KEPT_VERSIONS = 100;
const PRUNE_AGE_MS = 86_400_000;

export class SecretVersions {
  private readonly versions = new Map<string, SecretVersion>();

  get(id: string): SecretVersion | undefined {
    return this.versions.get(id);
  }

  holder(stage: string): SecretVersion | undefined {
    for (const version of this.versions.values()) {
      if (version.stages.includes(stage)) return version;
    }
    return undefined;
  }

  /** AWSPENDING on a version other than AWSCURRENT's: RotateSecret refuses to start. */
  rotationInProgress(): boolean {
    const pending = this.holder(AWSPENDING);
    return pending !== undefined && !pending.stages.includes(AWSCURRENT);
  }

  /** VersionIdsToStages: labelled versions only (unlabelled ones are deprecated). */
  stageMap(): Record<string, string[]> | undefined {
    const labelled = [...this.versions.values()].filter((version) => version.stages.length > 0);
    if (labelled.length === 0) return undefined;
    return Object.fromEntries(labelled.map((version) => [version.id, [...version.stages]]));
  }

  /** GetSecretValue's choice of version: VersionId and/or VersionStage, else AWSCURRENT. */
  read(versionId: string | undefined, stage: string | undefined): SecretVersion {
    let version: SecretVersion | undefined;
    if (versionId !== undefined) {
      version = this.versions.get(versionId);
      if (version && stage !== undefined && !version.stages.includes(stage)) {
        throw new AwsError(
          'InvalidRequestException',
          'You provided a VersionStage that is not associated to the provided VersionId.',
        );
      }
    } else {
      version = this.holder(stage ?? AWSCURRENT);
    }
    if (version?.value === undefined) {
      const what =
        versionId !== undefined
          ? `VersionId: ${versionId}`
          : `staging label: ${stage ?? AWSCURRENT}`;
      throw new AwsError(
        'ResourceNotFoundException',
        `Secrets Manager can't find the specified secret value for ${what}`,
      );
    }
    return version;
  }

  /**
   * PutSecretValue: a new id creates a version; the same id with the same value
   * changes nothing; with another value it fails. A valueless placeholder takes
   * the value.
   */
  put(
    id: string,
    value: string | undefined,
    stages: readonly string[],
  ): { version: SecretVersion; changed: boolean } {
    const existing = this.versions.get(id);
    if (existing?.value !== undefined) {
      if (existing.value === value) return { version: existing, changed: false };
      throw new AwsError(
        'ResourceExistsException',
        `A version with VersionId ${id} already exists with a different value. You can't modify an existing version, you can only create a new version.`,
      );
    }
    const version = existing ?? { id, stages: [], createdAt: new Date() };
    if (value !== undefined) version.value = value;
    this.versions.set(id, version);
    for (const stage of stages) this.attach(stage, version);
    this.prune();
    return { version, changed: true };
  }

  /** UpdateSecretVersionStage, with AWS's checks on RemoveFromVersionId. */
  move(stage: string, moveTo: string | undefined, removeFrom: string | undefined): void {
    const holder = this.holder(stage);
    if (moveTo === undefined && removeFrom === undefined) {
      throw new AwsError(
        'InvalidParameterException',
        'You must specify MoveToVersionId, RemoveFromVersionId, or both.',
      );
    }
    const target = moveTo === undefined ? undefined : this.existing(moveTo);
    if (removeFrom !== undefined) {
      this.existing(removeFrom);
      if (holder?.id !== removeFrom) {
        throw new AwsError(
          'InvalidParameterException',
          `The staging label ${stage} is not attached to version ${removeFrom}.`,
        );
      }
    } else if (holder && target && holder !== target) {
      throw new AwsError(
        'InvalidParameterException',
        `The parameter RemoveFromVersionId can't be empty. Staging label ${stage} is currently attached to version ${holder.id}, so you must explicitly reference that version in RemoveFromVersionId.`,
      );
    }
    if (target) this.attach(stage, target);
    else if (stage === AWSCURRENT) {
      throw new AwsError(
        'InvalidParameterException',
        'You can only remove AWSCURRENT by moving it to another version with MoveToVersionId.',
      );
    } else this.detach(stage);
  }

  detach(stage: string): void {
    const holder = this.holder(stage);
    if (holder) holder.stages = holder.stages.filter((label) => label !== stage);
  }

  private attach(stage: string, version: SecretVersion): void {
    const holder = this.holder(stage);
    if (holder === version) return;
    this.detach(stage);
    version.stages.push(stage);
    // Whenever AWSCURRENT moves, AWSPREVIOUS follows to the version it left.
    if (stage === AWSCURRENT && holder) {
      this.detach(AWSPREVIOUS);
      holder.stages.push(AWSPREVIOUS);
    }
  }

  private existing(id: string): SecretVersion {
    const version = this.versions.get(id);
    if (!version) throw new AwsError('InvalidParameterException', `Not a valid version: ${id}`);
    return version;
  }

  private prune(): void {
    const cutoff = Date.now() - PRUNE_AGE_MS;
    for (const version of this.versions.values()) {
      if (this.versions.size <= KEPT_VERSIONS) return;
      if (version.stages.length === 0 && version.createdAt.getTime() < cutoff) {
        this.versions.delete(version.id);
      }
    }
  }
}
