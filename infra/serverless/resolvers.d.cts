// Types of resolvers.cjs for the template tests (TypeScript does not read the .cjs).

interface ResolverContext {
  /** `param:<name>` or `self:<path>`, as in serverless.yml. */
  resolveVariable: (address: string) => Promise<unknown>;
}

type IamStatement = {
  Effect: 'Allow';
  Action: string[];
  Resource: unknown[];
  Condition?: unknown;
};

declare const resolvers: {
  iamStatements: (context: ResolverContext) => Promise<IamStatement[]>;
  rotationIamStatements: (context: ResolverContext) => Promise<IamStatement[]>;
  corsAllowedOrigins: (context: ResolverContext) => Promise<string[]>;
  thoughtspotTimeoutMs: (context: ResolverContext) => Promise<string>;
  alarmTopicArn: (context: ResolverContext) => Promise<string>;
  orgSecretNamePrefix: (context: ResolverContext) => Promise<string>;
  /** TOKEN_POLICY: the minified JSON of the file param tokenPolicyFile names, checked; '' for none. */
  tokenPolicy: (context: ResolverContext) => Promise<string>;
  /** tokenPolicyFile's default, the one policy file that may be absent. */
  DEFAULT_TOKEN_POLICY_FILE: string;
};

export = resolvers;
