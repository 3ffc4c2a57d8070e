import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';

/**
 * Debian's Chromium (`apt-get install chromium`), never a browser downloaded by
 * Playwright. CHROMIUM_PATH points elsewhere if needed.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

function assertChromium(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `No Chromium at ${CHROMIUM_PATH}: install it with \`apt-get install -y chromium\` ` +
        '(or set CHROMIUM_PATH); the e2e tier never downloads a browser.',
    );
  }
}

export async function launchChromium(): Promise<Browser> {
  assertChromium();
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ARGS });
}

/**
 * A browser whose profile allows third-party cookies ("Allow third-party cookies"
 * in Chrome's settings: `profile.cookie_controls_mode` 0), in a throwaway directory.
 * ThoughtSpot's cookie mode needs them whenever the app and ThoughtSpot are
 * different sites; Chromium 156 blocks them by default (and always in Incognito),
 * which is the failure ThoughtSpot documents for cookie mode.
 */
export async function launchWithThirdPartyCookies(): Promise<{
  context: BrowserContext;
  close(): Promise<void>;
}> {
  assertChromium();
  const profile = mkdtempSync(join(tmpdir(), 'e2e-chromium-profile-'));
  mkdirSync(join(profile, 'Default'));
  writeFileSync(
    join(profile, 'Default', 'Preferences'),
    JSON.stringify({ profile: { cookie_controls_mode: 0 } }),
  );
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ARGS,
    ignoreHTTPSErrors: true,
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
