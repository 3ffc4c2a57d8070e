import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

/** What a command may touch: its environment, stdin, two output streams, one AWS client. */
export interface CommandContext {
  env: Record<string, string | undefined>;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  /** Results, on stdout. */
  out(line: string): void;
  /** Notes and warnings, on stderr. */
  note(line: string): void;
  /** Created on first use; the endpoint honours AWS_ENDPOINT_URL_SECRETS_MANAGER. */
  secretsManager(): SecretsManagerClient;
}

export type Command = (args: string[], context: CommandContext) => Promise<void>;

export const isoDate = (date: Date | undefined): string => date?.toISOString() ?? '-';
