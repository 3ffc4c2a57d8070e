import { fakeKey } from '../../support/fixtures.js';
import { type Environment, type EnvironmentOptions, startEnvironment } from './environment.js';
import { captureOutput } from './output-capture.js';

/**
 * What a test file needs for its leak check: every key it makes, every response its
 * environments gave and all output written meanwhile, to search at the end.
 */
export interface LeakWatch {
  /** A distinctive fake key, remembered for the check. */
  key(label: string): string;
  /** startEnvironment, with the environment's responses kept for the check on close. */
  environment(options: EnvironmentOptions): Promise<Environment>;
  /** Stops capturing and returns what was seen. */
  finish(): { logs: string; responses: string; keys: readonly string[] };
}

export function watchForLeaks(): LeakWatch {
  const output = captureOutput();
  const keys: string[] = [];
  const responses: string[] = [];
  return {
    key(label) {
      const value = fakeKey(label);
      keys.push(value);
      return value;
    },
    async environment(options) {
      const env = await startEnvironment(options);
      return {
        ...env,
        async close() {
          responses.push(...env.responses.map((response) => JSON.stringify(response)));
          await env.close();
        },
      };
    },
    finish() {
      output.stop();
      return { logs: output.text(), responses: responses.join('\n'), keys };
    },
  };
}
