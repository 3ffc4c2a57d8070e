// The in-memory state and operation semantics of the Secrets Manager stand-in,
// kept apart from HTTP so the rules (deletion windows, ARNs, pagination,
// versions and rotation) read in one place. Shapes and error types follow the
// real service's JSON API.
import { randomUUID } from 'node:crypto';
import type * as z from 'zod';
import { describe, epochSeconds, makeArn, type StoredSecret } from './secret-description.js';
import { type RotationFunction, RotationRunner } from './secret-rotation.js';
import { AWSCURRENT, AWSPENDING, SecretVersions } from './secret-versions.js';
import { deleteSecret, restoreSecret } from './secrets-manager-deletion.js';
import {
  AwsError,
  CreateInput,
  DeleteInput,
  GetInput,
  IdInput,
  ListInput,
  PutInput,
  parse,
  RotateInput,
  UpdateStageInput,
} from './secrets-manager-inputs.js';
import { listSecrets } from './secrets-manager-listing.js';
import { cancelRotateSecret, rotateSecret } from './secrets-manager-rotate.js';

export class SecretsStore {
  private readonly secrets = new Map<string, StoredSecret>();
  readonly rotation: RotationRunner;

  constructor(rotationFunctions: Record<string, RotationFunction> = {}) {
    this.rotation = new RotationRunner(rotationFunctions);
  }

  /** Test helper: the secret exists afterwards with this value (restored if deleted). */
  set(name: string, value: string): void {
    const existing = this.secrets.get(name);
    if (existing) {
      delete existing.deletionDate;
      this.putVersion(existing, value);
    } else {
      this.insert({ Name: name, SecretString: value });
    }
  }

  remove(name: string): void {
    this.secrets.delete(name);
  }

  /** Test helper: forgets every secret. */
  clear(): void {
    this.secrets.clear();
  }

  /** Runs one operation; throws AwsError for anything the real service would reject. */
  execute(operation: string, input: unknown): Record<string, unknown> {
    switch (operation) {
      case 'GetSecretValue':
        return this.getSecretValue(parse(GetInput, input));
      case 'CreateSecret':
        return this.createSecret(parse(CreateInput, input));
      case 'PutSecretValue':
        return this.putSecretValue(parse(PutInput, input));
      case 'DescribeSecret':
        return describe(this.find(parse(IdInput, input).SecretId), 'VersionIdsToStages');
      case 'ListSecrets':
        return listSecrets(this.secrets.values(), parse(ListInput, input));
      case 'DeleteSecret': {
        const request = parse(DeleteInput, input);
        const secret = this.find(request.SecretId);
        return deleteSecret(secret, request, () => this.secrets.delete(secret.name));
      }
      case 'RestoreSecret':
        return restoreSecret(this.find(parse(IdInput, input).SecretId));
      case 'UpdateSecretVersionStage':
        return this.updateVersionStage(parse(UpdateStageInput, input));
      case 'RotateSecret': {
        const request = parse(RotateInput, input);
        return rotateSecret(this.findLive(request.SecretId), request, this.rotation);
      }
      case 'CancelRotateSecret':
        return cancelRotateSecret(this.findLive(parse(IdInput, input).SecretId), this.rotation);
      default:
        throw new AwsError('UnknownOperationException', `Operation ${operation} is not supported`);
    }
  }

  /** The secret's ARN, for rotationSettled(); throws like DescribeSecret when unknown. */
  arnOf(secretId: string): string {
    return this.find(secretId).arn;
  }

  private getSecretValue(input: z.infer<typeof GetInput>): Record<string, unknown> {
    const secret = this.findLive(input.SecretId);
    const version = secret.versions.read(input.VersionId, input.VersionStage);
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.id,
      SecretString: version.value,
      VersionStages: [...version.stages],
      CreatedDate: epochSeconds(version.createdAt),
    };
  }

  private createSecret(input: z.infer<typeof CreateInput>): Record<string, unknown> {
    const existing = this.secrets.get(input.Name);
    if (existing?.deletionDate) {
      throw new AwsError(
        'InvalidRequestException',
        "You can't create this secret because a secret with this name is already scheduled for deletion.",
      );
    }
    if (existing) {
      throw new AwsError(
        'ResourceExistsException',
        `The operation failed because the secret ${input.Name} already exists.`,
      );
    }
    const secret = this.insert(input);
    const versionId = secret.versions.holder(AWSCURRENT)?.id;
    return { ARN: secret.arn, Name: secret.name, ...(versionId ? { VersionId: versionId } : {}) };
  }

  private putSecretValue(input: z.infer<typeof PutInput>): Record<string, unknown> {
    const secret = this.findLive(input.SecretId);
    const version = this.putVersion(
      secret,
      input.SecretString,
      input.ClientRequestToken,
      input.VersionStages,
    );
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.id,
      VersionStages: [...version.stages],
    };
  }

  private updateVersionStage(input: z.infer<typeof UpdateStageInput>): Record<string, unknown> {
    const secret = this.findLive(input.SecretId);
    secret.versions.move(input.VersionStage, input.MoveToVersionId, input.RemoveFromVersionId);
    secret.lastChangedAt = new Date();
    return { ARN: secret.arn, Name: secret.name };
  }

  private insert(input: z.infer<typeof CreateInput>): StoredSecret {
    const now = new Date();
    const secret: StoredSecret = {
      name: input.Name,
      arn: makeArn(input.Name),
      versions: new SecretVersions(),
      rotation: { enabled: false },
      createdAt: now,
      lastChangedAt: now,
      ...(input.Description === undefined ? {} : { description: input.Description }),
      ...(input.KmsKeyId === undefined ? {} : { kmsKeyId: input.KmsKeyId }),
    };
    if (input.SecretString !== undefined) {
      this.putVersion(secret, input.SecretString, input.ClientRequestToken);
    }
    this.secrets.set(secret.name, secret);
    return secret;
  }

  /**
   * Stores a value as AWS does for CreateSecret, PutSecretValue and setSecret():
   * the SDK fills ClientRequestToken automatically and it becomes the VersionId.
   * A new AWSCURRENT version while a rotation is in progress abandons that rotation.
   */
  private putVersion(
    secret: StoredSecret,
    value: string,
    versionId: string = randomUUID(),
    stages: readonly string[] = [],
  ) {
    const labels = stages.length > 0 ? stages : [AWSCURRENT];
    const pending = secret.versions.rotationInProgress()
      ? secret.versions.holder(AWSPENDING)
      : undefined;
    const { version, changed } = secret.versions.put(versionId, value, labels);
    if (changed) secret.lastChangedAt = new Date();
    if (pending && pending.id !== versionId && labels.includes(AWSCURRENT)) {
      this.rotation.abandon(secret, pending.id);
    }
    return version;
  }

  /** By name, full ARN, or ARN without the random suffix (all accepted by AWS). */
  private find(secretId: string): StoredSecret {
    for (const secret of this.secrets.values()) {
      if (secret.name === secretId || secret.arn === secretId) return secret;
      if (secretId.startsWith('arn:') && secret.arn.slice(0, -7) === secretId) return secret;
    }
    throw new AwsError(
      'ResourceNotFoundException',
      "Secrets Manager can't find the specified secret.",
    );
  }

  private findLive(secretId: string): StoredSecret {
    const secret = this.find(secretId);
    if (secret.deletionDate) {
      throw new AwsError(
        'InvalidRequestException',
        "You can't perform this operation on the secret because it was marked for deletion.",
      );
    }
    return secret;
  }
}
