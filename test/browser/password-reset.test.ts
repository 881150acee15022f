import type { Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, serveOnLoopback } from '../../emulators/shared/runtime.js';
import { type RecordingAccountEvents, recordingAccountEvents } from '../accounts/recording-events.js';
import { buildGateway } from '../conformance/harness.js';
import { launchChromium, noBrowserReason, onlyOrigins, serveFixture } from './chromium.js';

const STOREFRONT = 'storefront-key-reset-0123456789';
const EMAIL = 'john.smith@example.com';
const NEW_PASSWORD = 'Br0wser!Reset-9';

const servePage = () => serveFixture('reset-password.html');

/**
 * PENDING THE EVENTS MERGE (issue 23): the token reaches the test through the recording event
 * sink of an in-process gateway (served over HTTP on loopback, the embedded SFCC emulator behind
 * it), not yet through `npm start` and a webhook receiver. Once signed webhooks exist: start the
 * gateway with `startGateway({ WEBHOOK_URLS, WEBHOOK_SECRET, … })`, receive the
 * `customer.password_reset.requested` delivery in a receiver here, verify its signature, take the
 * token from it. The page and every step in the browser stay as they are.
 */
describe.skipIf(noBrowserReason !== undefined)(
  'a storefront page on an allowed CORS origin: forgotten password → token by email → new password → sign in (token from a test sink: pending events)',
  () => {
    let browser: Browser;
    let shop: { origin: string; server: Server };
    let gateway: RunningEmulator;
    let events: RecordingAccountEvents;

    beforeAll(async () => {
      [shop, browser] = await Promise.all([servePage(), launchChromium()]);
      events = recordingAccountEvents();
      const gw = buildGateway(
        'sfcc',
        { BACKENDS: 'sfcc', CORS_ORIGINS: shop.origin, API_KEYS: `storefront:${STOREFRONT}`, LOG_LEVEL: 'silent' },
        undefined,
        { accountEvents: events },
      );
      gateway = await serveOnLoopback(gw.app);
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      await gateway?.close();
      shop?.server.close();
    });

    it('resets the password from the emailed link and signs in with the new one', async () => {
      const page = await browser.newPage();
      const refused = await onlyOrigins(page, [shop.origin, gateway.origin]);
      const open = (extra = '') =>
        page.goto(`${shop.origin}/?gateway=${encodeURIComponent(gateway.origin)}&key=${STOREFRONT}${extra}`);
      await open();
      await page.fill('#forgot [name=email]', EMAIL);
      await page.click('#forgot button');
      await page.locator('#status', { hasText: 'Check your email' }).waitFor({ timeout: 30_000 });

      // What the shop's mailer gets: the token for the customer holding the email.
      const { token, email } = await events.next('customer.password_reset.requested');
      expect(email).toBe(EMAIL);
      await open(`&token=${encodeURIComponent(token)}`);
      await page.fill('#reset [name=password]', NEW_PASSWORD);
      await page.click('#reset button');
      await page.locator('#status', { hasText: 'Password changed' }).waitFor({ timeout: 30_000 });

      await page.fill('#login [name=email]', EMAIL);
      await page.fill('#login [name=password]', NEW_PASSWORD);
      await page.click('#login button');
      await page.locator('#status', { hasText: `Signed in as ${EMAIL}` }).waitFor({ timeout: 30_000 });

      // The link works once.
      await open(`&token=${encodeURIComponent(token)}`);
      await page.fill('#reset [name=password]', 'An0ther!Pw0rd');
      await page.click('#reset button');
      await page.locator('#status', { hasText: 'Reset failed: 400' }).waitFor({ timeout: 30_000 });
      expect(refused).toEqual([]);
    }, 90_000);
  },
);
