import type { Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Receiver, startReceiver, verifiedEvent } from '../events/receivers.js';
import { e2ePlatforms, type RunningGateway, servePlatforms, startGateway } from '../e2e/support.js';
import { launchChromium, noBrowserReason, onlyOrigins, serveFixture } from './chromium.js';

const STOREFRONT = 'storefront-key-reset-0123456789';
const EMAIL = 'john.smith@example.com';
const NEW_PASSWORD = 'Br0wser!Reset-9';
const SECRET = `whsec_${Buffer.from('browser-reset-secret-0123456789ab').toString('base64')}`;

const servePage = () => serveFixture('reset-password.html');

/**
 * What a shop runs: `npm start` (env only) in front of the SFCC emulator served over HTTP, change
 * events on to the shop's webhook receiver (here: it verifies the Standard Webhooks signature with
 * the reference library and hands the token to the "email"), and a storefront page from the
 * origin CORS_ORIGINS allows, driven in Chromium.
 */
describe.skipIf(noBrowserReason !== undefined)(
  'a storefront page on an allowed CORS origin: forgotten password → token by webhook → new password → sign in',
  () => {
    let browser: Browser;
    let shop: { origin: string; server: Server };
    let platforms: Awaited<ReturnType<typeof servePlatforms>>;
    let receiver: Receiver;
    let gateway: RunningGateway;

    beforeAll(async () => {
      [shop, browser, platforms, receiver] = await Promise.all([
        servePage(),
        launchChromium(),
        servePlatforms(e2ePlatforms.filter((p) => p.name === 'sfcc')),
        startReceiver(),
      ]);
      gateway = await startGateway({
        ...platforms.env,
        CORS_ORIGINS: shop.origin,
        API_KEYS: `storefront:${STOREFRONT}`,
        WEBHOOK_URLS: receiver.url,
        WEBHOOK_SECRET: SECRET,
        EVENTS_POLL_SECONDS: '0',
      });
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
      await gateway?.stop();
      await Promise.all([platforms?.close(), receiver?.close()]);
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

      // What the shop's mailer gets, signed: the token for the customer holding the email.
      const { data } = await verifiedEvent(receiver, SECRET, (e) => e.type === 'customer.password_reset.requested');
      expect(data.email).toBe(EMAIL);
      const token = data.token!;
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
