import {
  CancelRotateSecretCommand,
  RotateSecretCommand,
  type RotationRulesType,
} from '@aws-sdk/client-secrets-manager';
import { pendingVersion } from '../../../functions/lib/secret-stages.js';
import { orgIdOption, parseCommandArgs } from '../args.js';
import { type Command, type CommandContext, isoDate } from '../context.js';
import { CommandFailedError, UsageError } from '../errors.js';
import { describeRules, rotationRulesFrom } from '../rotation-rules.js';
import { secretNames } from '../secret-names.js';
import { describeLiveSecret, describeSecret } from '../secret-state.js';

/**
 * schedule: scheduled rotation on (RotateSecret with the rotation function and
 * RotationRules, RotateImmediately false: nothing rotates now) or off
 * (CancelRotateSecret). Flags are checked before any AWS call.
 */

const OPTIONS = {
  org: { type: 'string' },
  every: { type: 'string' },
  cron: { type: 'string' },
  window: { type: 'string' },
  'function-arn': { type: 'string' },
  off: { type: 'boolean' },
} as const;

/** Where --function-arn comes from otherwise: the rotation function's ARN from the stack outputs. */
export const FUNCTION_ARN_VARIABLE = 'ROTATION_FUNCTION_ARN';
const LAMBDA_ARN =
  /^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]{1,128})?$/;

function functionArnOf(flag: string | undefined, env: CommandContext['env']): string | undefined {
  const arn = flag ?? (env[FUNCTION_ARN_VARIABLE] || undefined);
  if (arn !== undefined && !LAMBDA_ARN.test(arn)) {
    const source = flag === undefined ? FUNCTION_ARN_VARIABLE : '--function-arn';
    throw new UsageError(
      `${source} must be a Lambda function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME)`,
    );
  }
  return arn;
}

async function turnOff(orgId: number, secretId: string, context: CommandContext): Promise<void> {
  const client = context.secretsManager();
  const described = await describeLiveSecret(client, orgId, secretId);
  if (described.RotationEnabled !== true) {
    context.out(`Org ${orgId}: scheduled rotation of ${secretId} is already off`);
    return;
  }
  await client.send(new CancelRotateSecretCommand({ SecretId: secretId }));
  context.out(
    `Org ${orgId}: scheduled rotation of ${secretId} turned off; the stored key stays as it is`,
  );
  const pending = pendingVersion(described.VersionIdsToStages);
  if (pending !== undefined) {
    context.note(
      `warning: a rotation was under way (AWSPENDING on version ${pending}) and keeps its labels. ` +
        'Remove the label before rotating again: aws secretsmanager update-secret-version-stage ' +
        `--secret-id ${secretId} --version-stage AWSPENDING --remove-from-version-id ${pending}`,
    );
  }
}

async function turnOn(
  orgId: number,
  secretId: string,
  rules: RotationRulesType,
  functionArn: string | undefined,
  context: CommandContext,
): Promise<void> {
  const client = context.secretsManager();
  const described = await describeLiveSecret(client, orgId, secretId);
  const arn = functionArn ?? described.RotationLambdaARN;
  if (arn === undefined) {
    throw new UsageError(
      `pass --function-arn ARN or set ${FUNCTION_ARN_VARIABLE}: the ARN of the deployed ` +
        'rotation function (a stack output)',
    );
  }
  const pending = pendingVersion(described.VersionIdsToStages);
  if (pending !== undefined) {
    throw new CommandFailedError(
      `Org ${orgId}: a rotation of ${secretId} is under way (AWSPENDING on version ${pending}); ` +
        'change the schedule once it has finished (status shows it)',
    );
  }
  await client.send(
    new RotateSecretCommand({
      SecretId: secretId,
      RotationLambdaARN: arn,
      RotationRules: rules,
      RotateImmediately: false,
    }),
  );
  const next = (await describeSecret(client, secretId))?.NextRotationDate;
  context.out(
    `Org ${orgId}: scheduled rotation of ${secretId} on: ${describeRules(rules)}, ` +
      `by ${arn}; next rotation ${next ? `from ${isoDate(next)}` : 'as Secrets Manager schedules it'}`,
  );
  context.out(
    'Not rotated now (RotateImmediately false): Secrets Manager only runs the testSecret ' +
      'step once, with a copy of the current key, to check the setup.',
  );
  context.note(
    `note: a failed check shows in CloudTrail as TestRotationFailed; rotate --org ${orgId} rotates now`,
  );
}

export const schedule: Command = async (args, context) => {
  const values = parseCommandArgs(args, OPTIONS);
  const orgId = orgIdOption(values.org);
  const secretId = secretNames(context.env).idFor(orgId);
  if (values.off) {
    const extra = (['every', 'cron', 'window', 'function-arn'] as const).filter(
      (name) => values[name] !== undefined,
    );
    if (extra.length > 0) {
      throw new UsageError(
        `--off takes no schedule; drop ${extra.map((n) => `--${n}`).join(', ')}`,
      );
    }
    await turnOff(orgId, secretId, context);
    return;
  }
  const rules = rotationRulesFrom(values);
  const functionArn = functionArnOf(values['function-arn'], context.env);
  await turnOn(orgId, secretId, rules, functionArn, context);
};
