import { afterAll, afterEach, expect } from 'vitest';
import type { HttpResponse } from '../../../functions/token/responses.js';
import { fakeKey } from '../../support/fixtures.js';
import { type Environment, type EnvironmentOptions, startEnvironment } from './environment.js';
import { captureOutput } from './output-capture.js';

/** What a token minted by the ThoughtSpot stand-in looks like. */
const STAND_IN_TOKEN = /tsstandin-token-[0-9a-f]+/;

export interface LeakWatchOptions {
  /** Also refuse any 12-character start or end of a key, not only the whole key. */
  pieces?: boolean;
}

/**
 * A leak check after every test of the file that calls it: no key the file made (or
 * remembered) in any log line or response, and no token in a log line. Each test is
 * checked against what was written and answered since the test before it (the first
 * one also against the set-up before it), so a leak fails the test that caused it and
 * no test depends on another having run.
 */
export interface LeakWatch {
  /** A distinctive fake key, searched for from now on. */
  key(label: string): string;
  /** Searches for `secret` from now on: a key made elsewhere, e.g. by a rotation. */
  remember(secret: string): void;
  /** startEnvironment, with the environment's responses searched too. */
  environment(options: EnvironmentOptions): Promise<Environment>;
  /** What was written to stdout and stderr since the previous test ended. */
  logs(): string;
}

export function watchForLeaks(options: LeakWatchOptions = {}): LeakWatch {
  const output = captureOutput();
  const keys: string[] = [];
  /** Responses of every environment, unchecked ones from `checkedResponses` on. */
  const responses: HttpResponse[] = [];
  let checkedOutput = 0;
  let checkedResponses = 0;

  const pieces = (secret: string) =>
    options.pieces ? [secret, secret.slice(0, 12), secret.slice(-12)] : [secret];

  function checkSinceLastTime() {
    const logs = output.text().slice(checkedOutput);
    const answered = responses.slice(checkedResponses).map((response) => JSON.stringify(response));
    checkedOutput = output.text().length;
    checkedResponses = responses.length;

    // A request the handler answered always writes a log line: an empty capture means
    // the check below would be looking at nothing.
    if (answered.length > 0) expect(logs, 'no log line was captured').not.toBe('');
    for (const secret of keys.flatMap(pieces)) {
      expect(logs).not.toContain(secret);
      for (const response of answered) expect(response).not.toContain(secret);
    }
    expect(logs).not.toMatch(STAND_IN_TOKEN);
  }

  afterEach(checkSinceLastTime);
  afterAll(() => {
    // What environments wrote while closing.
    checkSinceLastTime();
    output.stop();
  });

  return {
    key(label) {
      const value = fakeKey(label);
      keys.push(value);
      return value;
    },
    remember(secret) {
      keys.push(secret);
    },
    async environment(environmentOptions) {
      const env = await startEnvironment(environmentOptions);
      const record = (response: HttpResponse) => {
        responses.push(response);
        return response;
      };
      return {
        ...env,
        handler: async (event) => record(await env.handler(event)),
        invoke: async (spec) => record(await env.invoke(spec)),
      };
    },
    logs: () => output.text().slice(checkedOutput),
  };
}
