// Request shapes of the Secrets Manager operations the stand-in speaks, and the
// error type that becomes an AWS JSON 1.1 error response. Unknown fields are
// accepted and ignored, as the SDK may send members the stand-in does not model.
import * as z from 'zod';

/** An error the SDK turns into an exception whose `.name` is `type`. */
export class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

const SecretIdSchema = z.string().min(1).max(2048);
// AWS bounds ClientRequestToken (which becomes the VersionId) at 32–64 characters.
const TokenSchema = z.string().min(32).max(64);
const StageSchema = z.string().min(1).max(256);
// Real names allow letters, digits and /_+=.@- only.
const NameSchema = z.string().regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/);

export const CreateInput = z.object({
  Name: NameSchema,
  SecretString: z.string().optional(),
  Description: z.string().optional(),
  KmsKeyId: z.string().optional(),
  ClientRequestToken: TokenSchema.optional(),
});
export const PutInput = z.object({
  SecretId: SecretIdSchema,
  SecretString: z.string(),
  ClientRequestToken: TokenSchema.optional(),
  VersionStages: z.array(StageSchema).max(20).optional(),
});
export const GetInput = z.object({
  SecretId: SecretIdSchema,
  VersionId: z.string().optional(),
  VersionStage: z.string().optional(),
});
export const IdInput = z.object({ SecretId: SecretIdSchema });
export const UpdateStageInput = z.object({
  SecretId: SecretIdSchema,
  VersionStage: StageSchema,
  MoveToVersionId: z.string().min(1).optional(),
  RemoveFromVersionId: z.string().min(1).optional(),
});
export const RotationRulesInput = z.object({
  AutomaticallyAfterDays: z.number().int().optional(),
  Duration: z.string().optional(),
  ScheduleExpression: z.string().optional(),
});
export const RotateInput = z.object({
  SecretId: SecretIdSchema,
  ClientRequestToken: TokenSchema.optional(),
  RotationLambdaARN: z.string().min(1).max(2048).optional(),
  RotationRules: RotationRulesInput.optional(),
  RotateImmediately: z.boolean().optional(),
});
export const DeleteInput = z.object({
  SecretId: SecretIdSchema,
  RecoveryWindowInDays: z.number().int().optional(),
  ForceDeleteWithoutRecovery: z.boolean().optional(),
});
export const ListInput = z.object({
  Filters: z.array(z.object({ Key: z.string(), Values: z.array(z.string()) })).optional(),
  MaxResults: z.number().int().min(1).max(100).optional(),
  NextToken: z.string().optional(),
  IncludePlannedDeletion: z.boolean().optional(),
});

export function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  // Field paths and rule messages only: never echo submitted values.
  const detail = result.error.issues
    .map((issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`)
    .join('; ');
  throw new AwsError('InvalidParameterException', `Invalid parameter: ${detail}`);
}
