// Types of environment-size.cjs for the template tests (TypeScript does not read the .cjs).

declare class EnvironmentSize {
  constructor(serverless: unknown);
  static readonly LAMBDA_ENVIRONMENT_LIMIT_BYTES: number;
  static environmentBytes(variables: Record<string, unknown>): number;
  static environmentSizeProblem(
    functionName: string,
    variables: Record<string, unknown>,
  ): string | undefined;
}

export = EnvironmentSize;
