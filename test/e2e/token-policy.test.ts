import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPageUrl } from '../../infra/local/demo-app.js';
import { generateDevKeys } from '../../infra/local/dev-keys.js';
import { EXAMPLE_TOKEN_POLICY_FILE, readTokenPolicyFile } from '../../infra/local/local-policy.js';
import { type LocalService, startLocalService } from '../../infra/local/local-service.js';
import {
  DEFAULT_DEV_ORGS,
  LOCAL_JWT_AUDIENCE,
  LOCAL_JWT_ISSUER,
} from '../../infra/local/local-settings.js';
import { launchChromium } from './support/browser.js';
import { freeServicePorts } from './support/service-ports.js';

/**
 * Row-level security in a real browser (SPEC §7): `npm start` with the example token
 * policy, the demo page signing alice in with the real Visual Embed SDK. Her JWT's
 * region claim (EMEA) must reach ThoughtSpot as the custom token's values, and the
 * ThoughtSpot stand-in's embedded page shows exactly that region.
 */

describe('a token policy in Chromium, with the real Visual Embed SDK', () => {
  let service: LocalService;
  let browser: Browser;

  beforeAll(async () => {
    const ports = await freeServicePorts();
    service = await startLocalService({
      ports,
      corsOrigins: [],
      jwtIssuer: LOCAL_JWT_ISSUER,
      jwtAudience: LOCAL_JWT_AUDIENCE,
      keys: generateDevKeys(DEFAULT_DEV_ORGS),
      tokenPolicy: readTokenPolicyFile(EXAMPLE_TOKEN_POLICY_FILE).json,
      output: () => undefined,
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
  });

  it("a user with a region claim gets a custom token, and ThoughtSpot's page shows that region", async () => {
    const ts = service.thoughtSpot;
    if (!ts) throw new Error('expected the ThoughtSpot stand-in');
    const page = await (await browser.newContext()).newPage();

    await page.goto(
      demoPageUrl(service.demo.origin, { user: 'alice@example.com', org: 5, mode: 'cookieless' }),
    );
    await page.waitForFunction(
      () =>
        (window as unknown as { demo: { events: { status: string }[] } }).demo.events.some(
          (event) => event.status === 'SUCCESS' || event.status === 'FAILURE',
        ),
      undefined,
      { timeout: 20_000 },
    );
    const frame = page.frames().find((candidate) => candidate.url().startsWith(ts.url));
    if (!frame) throw new Error('the SDK created no ThoughtSpot iframe');
    await frame.waitForFunction(() =>
      (document.body.textContent ?? '').includes('variable_values'),
    );
    const shown = await frame.evaluate(() => document.body.textContent ?? '');

    const [minted] = ts.minted;
    expect(ts.minted).toHaveLength(1);
    expect(minted).toMatchObject({
      kind: 'custom',
      username: 'alice@example.com',
      orgId: 5,
      variableValues: [{ name: 'region', values: ['EMEA'] }],
      filterRules: [{ column_name: 'Region', operator: 'IN', values: ['EMEA'] }],
    });
    expect(shown).toContain('region = ["EMEA"]');
    expect(shown).not.toContain('APAC');
  });
});
