// What Secrets Manager does after RotateSecret answered: invoke the rotation
// function once per step, in the background, and record the outcome as the
// CloudTrail service events AWS logs (AWS-AND-ABAC-FACTS §1.1, §1.4, §1.7).
// There is no Lambda here: rotation functions are in-process hooks by ARN.
import type {
  SecretsManagerRotationEventStep as RotationStep,
  SecretsManagerRotationEvent,
} from 'aws-lambda';
import type { RotationRules } from './rotation-schedule.js';
import { AWSCURRENT, AWSPENDING, type SecretVersions } from './secret-versions.js';

export type { RotationStep };
/** Stands in for the Lambda function; a rejection is a failed invocation. */
export type RotationFunction = (event: SecretsManagerRotationEvent) => Promise<unknown>;

export type RotationEventName =
  | 'RotationStarted'
  | 'RotationSucceeded'
  | 'RotationFailed'
  | 'RotationAbandoned'
  | 'TestRotationStarted'
  | 'TestRotationSucceeded'
  | 'TestRotationFailed';

/** A CloudTrail service event (eventType AwsServiceEvent), reduced to what alarms read. */
export interface RotationEvent {
  eventName: RotationEventName;
  /** The secret's ARN (CloudTrail's additionalEventData.SecretId). */
  secretId: string;
  versionId: string;
  /** Failed events only, e.g. "Error when executing lambda … during setSecret step". */
  errorMessage?: string;
  eventTime: Date;
}

export interface RotationOutcome {
  status: 'succeeded' | 'failed' | 'abandoned' | 'cancelled';
  /** 'test': RotateImmediately false, only testSecret ran. */
  mode: 'rotate' | 'test';
  versionId: string;
  /** The step whose invocation failed (failed only). */
  failedStep?: RotationStep;
  /** What the rotation function threw (failed only); stays in this process. */
  error?: unknown;
}

/** What the runner needs of a stored secret; it updates `rotation` in place. */
export interface RotatableSecret {
  readonly arn: string;
  readonly versions: SecretVersions;
  rotation: RotationConfig;
}

export interface RotationConfig {
  enabled: boolean;
  lambdaArn?: string;
  rules?: RotationRules;
  /** When rules were last set: the schedule counts from here until a rotation succeeds. */
  configuredAt?: Date;
  lastRotatedAt?: Date;
}

const STEPS: readonly RotationStep[] = ['createSecret', 'setSecret', 'testSecret', 'finishSecret'];
const EVENT_NAMES = {
  rotate: { started: 'RotationStarted', succeeded: 'RotationSucceeded', failed: 'RotationFailed' },
  test: {
    started: 'TestRotationStarted',
    succeeded: 'TestRotationSucceeded',
    failed: 'TestRotationFailed',
  },
} as const;

type StopReason = 'abandoned' | 'cancelled';
interface Run {
  settled: Promise<RotationOutcome>;
  control: { stopped?: StopReason };
}

export class RotationRunner {
  private readonly functions = new Map<string, RotationFunction>();
  private readonly runs = new Map<string, Run>();
  readonly events: RotationEvent[] = [];

  constructor(functions: Record<string, RotationFunction>) {
    for (const [arn, fn] of Object.entries(functions)) this.register(arn, fn);
  }

  register(arn: string, fn: RotationFunction | undefined): void {
    if (fn) this.functions.set(arn, fn);
    else this.functions.delete(arn);
  }

  canInvoke(arn: string): boolean {
    return this.functions.has(arn);
  }

  /** Starts the steps after the current request has been answered. */
  start(secret: RotatableSecret, versionId: string, mode: RotationOutcome['mode']): void {
    const control: Run['control'] = {};
    const settled = new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
      this.run(secret, versionId, mode, control),
    );
    this.runs.set(secret.arn, { settled, control });
  }

  /** The latest run's outcome once it ends; undefined when the secret never rotated. */
  settled(secretArn: string): Promise<RotationOutcome | undefined> {
    return this.runs.get(secretArn)?.settled ?? Promise.resolve(undefined);
  }

  /** A manual new AWSCURRENT version mid-rotation: AWS drops AWSPENDING and gives up. */
  abandon(secret: RotatableSecret, pendingVersionId: string): void {
    secret.versions.detach(AWSPENDING);
    this.record('RotationAbandoned', secret, pendingVersionId);
    this.stop(secret.arn, 'abandoned');
  }

  /** CancelRotateSecret: no further step is invoked; labels stay as they are. */
  cancel(secretArn: string): void {
    this.stop(secretArn, 'cancelled');
  }

  private stop(secretArn: string, reason: StopReason): void {
    const control = this.runs.get(secretArn)?.control;
    if (control && control.stopped === undefined) control.stopped = reason;
  }

  private async run(
    secret: RotatableSecret,
    versionId: string,
    mode: RotationOutcome['mode'],
    control: Run['control'],
  ): Promise<RotationOutcome> {
    const names = EVENT_NAMES[mode];
    const arn = secret.rotation.lambdaArn ?? '';
    this.record(names.started, secret, versionId);
    for (const step of mode === 'test' ? (['testSecret'] as const) : STEPS) {
      if (control.stopped) return { status: control.stopped, mode, versionId };
      const fn = this.functions.get(arn);
      try {
        if (!fn) throw new Error(`No rotation function is registered for ${arn}`);
        await fn({ Step: step, SecretId: secret.arn, ClientRequestToken: versionId });
      } catch (error) {
        const message = `Error when executing lambda ${arn} during ${step} step`;
        // A test rotation removes its AWSPENDING copy whatever the outcome.
        if (mode === 'test') this.dropTestVersion(secret, versionId);
        this.record(names.failed, secret, versionId, message);
        return { status: 'failed', mode, versionId, failedStep: step, error };
      }
    }
    if (control.stopped) return { status: control.stopped, mode, versionId };
    if (mode === 'test') {
      this.dropTestVersion(secret, versionId);
    } else if (secret.versions.holder(AWSCURRENT)?.id !== versionId) {
      // finishSecret returned without moving AWSCURRENT: AWSPENDING still blocks the next rotation.
      const message = `Rotation function ${arn} did not move AWSCURRENT to version ${versionId} in finishSecret`;
      this.record('RotationFailed', secret, versionId, message);
      return { status: 'failed', mode, versionId, failedStep: 'finishSecret' };
    } else {
      secret.rotation.lastRotatedAt = new Date();
    }
    this.record(names.succeeded, secret, versionId);
    return { status: 'succeeded', mode, versionId };
  }

  private dropTestVersion(secret: RotatableSecret, versionId: string): void {
    if (secret.versions.holder(AWSPENDING)?.id === versionId) secret.versions.detach(AWSPENDING);
  }

  private record(
    eventName: RotationEventName,
    secret: RotatableSecret,
    versionId: string,
    errorMessage?: string,
  ): void {
    this.events.push({
      eventName,
      secretId: secret.arn,
      versionId,
      ...(errorMessage === undefined ? {} : { errorMessage }),
      eventTime: new Date(),
    });
  }
}
