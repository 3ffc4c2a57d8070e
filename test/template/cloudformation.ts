import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';

/**
 * The parts of the generated CloudFormation template the tests read. Unknown
 * properties pass through untouched; a missing or mistyped one fails the parse,
 * which names the path.
 */

const ResourceSchema = z.object({
  Type: z.string(),
  Properties: z.record(z.string(), z.unknown()).default({}),
  Condition: z.string().optional(),
});

export const TemplateSchema = z.object({
  Resources: z.record(z.string(), ResourceSchema),
  Conditions: z.record(z.string(), z.unknown()).default({}),
  Outputs: z.record(z.string(), z.unknown()).default({}),
});
export type Template = z.infer<typeof TemplateSchema>;

export const FunctionSchema = z.object({
  Handler: z.string(),
  Runtime: z.string(),
  Architectures: z.array(z.string()),
  MemorySize: z.number(),
  Timeout: z.number(),
  Environment: z.object({ Variables: z.record(z.string(), z.string()) }),
  Role: z.unknown(),
});

/** IAM allows a single action or resource without the array; osls writes single ARNs that way. */
const oneOrMany = <S extends z.ZodType>(item: S) =>
  z.union([z.array(item), item.transform((value) => [value])]);

export const StatementSchema = z.object({
  Effect: z.literal('Allow'),
  Action: oneOrMany(z.string()),
  Resource: oneOrMany(z.unknown()),
  Condition: z.unknown().optional(),
});
export type Statement = z.infer<typeof StatementSchema>;

export const RoleSchema = z.object({
  Policies: z.array(
    z.object({ PolicyDocument: z.object({ Statement: z.array(StatementSchema) }) }),
  ),
  ManagedPolicyArns: z.array(z.unknown()).optional(),
});

export const HttpApiSchema = z.object({
  DisableExecuteApiEndpoint: z.boolean(),
  CorsConfiguration: z.object({
    AllowOrigins: z.array(z.string()),
    AllowMethods: z.array(z.string()),
    AllowHeaders: z.array(z.string()),
    ExposeHeaders: z.array(z.string()).optional(),
    AllowCredentials: z.boolean().optional(),
    MaxAge: z.number(),
  }),
});

export const RouteSchema = z.object({
  RouteKey: z.string(),
  AuthorizationType: z.string(),
  AuthorizerId: z.unknown().optional(),
});

export const AuthorizerSchema = z.object({
  Name: z.string(),
  AuthorizerType: z.string(),
  IdentitySource: z.array(z.string()),
  JwtConfiguration: z.object({ Issuer: z.string(), Audience: z.array(z.string()) }),
});

export const StageSchema = z.object({
  DefaultRouteSettings: z.object({
    ThrottlingBurstLimit: z.number(),
    ThrottlingRateLimit: z.number(),
    DetailedMetricsEnabled: z.boolean(),
  }),
  AccessLogSettings: z.object({ DestinationArn: z.unknown(), Format: z.string() }).optional(),
});

export const LogGroupSchema = z.object({
  LogGroupName: z.string(),
  RetentionInDays: z.number(),
});

export const AlarmSchema = z.object({
  Namespace: z.string(),
  MetricName: z.string(),
  Dimensions: z.array(z.object({ Name: z.string(), Value: z.unknown() })),
  Statistic: z.string(),
  Period: z.number(),
  EvaluationPeriods: z.number(),
  Threshold: z.number(),
  ComparisonOperator: z.string(),
  TreatMissingData: z.string(),
  AlarmActions: z.unknown(),
  OKActions: z.unknown(),
});
export type Alarm = z.infer<typeof AlarmSchema>;

export function loadTemplate(packageDir: string): Template {
  const file = path.join(packageDir, 'cloudformation-template-update-stack.json');
  return TemplateSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/** The properties of one resource, checked against its type and schema. */
export function resource<S extends z.ZodType>(
  template: Template,
  logicalId: string,
  type: string,
  schema: S,
): z.infer<S> {
  const found = template.Resources[logicalId];
  if (!found) throw new Error(`no resource ${logicalId} in the template`);
  if (found.Type !== type) throw new Error(`${logicalId} is a ${found.Type}, not a ${type}`);
  return schema.parse(found.Properties);
}

/** The token function's resource. */
export const tokenFunction = (template: Template) =>
  resource(template, 'TokenLambdaFunction', 'AWS::Lambda::Function', FunctionSchema);

/** Every resource of one type, by logical id. */
export function resourcesOfType<S extends z.ZodType>(
  template: Template,
  type: string,
  schema: S,
): Map<string, z.infer<S>> {
  return new Map(
    Object.entries(template.Resources)
      .filter(([, found]) => found.Type === type)
      .map(([logicalId, found]) => [logicalId, schema.parse(found.Properties)]),
  );
}

/** The rotation function's resource. */
export const rotateFunction = (template: Template) =>
  resource(template, 'RotateLambdaFunction', 'AWS::Lambda::Function', FunctionSchema);

/** Every statement of a role's inline policies; by default the token function's (the framework's shared role). */
export function roleStatements(
  template: Template,
  logicalId = 'IamRoleLambdaExecution',
): Statement[] {
  const role = resource(template, logicalId, 'AWS::IAM::Role', RoleSchema);
  return role.Policies.flatMap((policy) => policy.PolicyDocument.Statement);
}

const HasAlarmTopicSchema = z.object({
  'Fn::Not': z.tuple([z.object({ 'Fn::Equals': z.tuple([z.string(), z.literal('')]) })]),
});

/** Evaluates the `HasAlarmTopic` condition: Fn::Not [Fn::Equals [topic, '']]. */
export function hasAlarmTopic(template: Template): boolean {
  const condition = HasAlarmTopicSchema.parse(template.Conditions.HasAlarmTopic);
  return condition['Fn::Not'][0]['Fn::Equals'][0] !== '';
}

/** Every string anywhere in a JSON value (keys excluded). */
export function allStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(allStrings);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(allStrings);
  return [];
}

/** The `Fn::Sub` string of an intrinsic, or the plain string. */
export function subOrString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const parsed = z.object({ 'Fn::Sub': z.string() }).safeParse(value);
  return parsed.success ? parsed.data['Fn::Sub'] : undefined;
}
