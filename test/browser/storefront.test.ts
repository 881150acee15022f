import type { Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningGateway, startGateway } from '../e2e/support.js';
import { launchChromium, noBrowserReason, onlyOrigins, serveFixture } from './chromium.js';

const STOREFRONT = 'storefront-key-browser-0123456789';
const ADMIN = 'admin-key-browser-0123456789';

const servePage = () => serveFixture('storefront.html');

describe.skipIf(noBrowserReason !== undefined)(
  'a storefront page on an allowed CORS origin signs a shopper in and edits their address book',
  () => {
    let gateway: RunningGateway;
    let browser: Browser;
    let shop: { origin: string; server: Server };
    let foreign: { origin: string; server: Server };

    beforeAll(async () => {
      [shop, foreign, browser] = await Promise.all([servePage(), servePage(), launchChromium()]);
      gateway = await startGateway({
        CORS_ORIGINS: shop.origin,
        API_KEYS: `admin:${ADMIN},storefront:${STOREFRONT}`,
        SESSION_SIGNING_KEYS: `browser:${'s'.repeat(40)}`,
      });
    }, 90_000);
    afterAll(async () => {
      await browser?.close();
      await gateway?.stop();
      shop?.server.close();
      foreign?.server.close();
    });

    const open = async (origin: string) => {
      const page = await browser.newPage();
      const refused = await onlyOrigins(page, [origin, gateway.origin]);
      await page.goto(`${origin}/?gateway=${encodeURIComponent(gateway.origin)}&key=${STOREFRONT}`);
      await page.fill('#login [name=email]', 'john.smith@example.com');
      await page.fill('#login [name=password]', 'Demo!Passw0rd');
      await page.click('#login button');
      return { page, refused };
    };

    it('signs in, adds an address and moves it (If-Match from the exposed ETag), all through /v1/me', async () => {
      const { page, refused } = await open(shop.origin);
      await page.locator('#status', { hasText: 'Signed in as john.smith@example.com' }).waitFor({ timeout: 30_000 });
      await page.fill('#add [name=line1]', '77 Browser Lane');
      await page.fill('#add [name=postalCode]', '02110');
      await page.fill('#add [name=city]', 'Boston');
      await page.click('#add button');
      const item = page.locator('#book li', { hasText: '77 Browser Lane' });
      await item.waitFor({ timeout: 30_000 });
      await item.locator('button').click();
      await page.locator('#status', { hasText: 'Address moved' }).waitFor({ timeout: 30_000 });
      await page.locator('#book li', { hasText: '77 Browser Lane, 02139 Cambridge' }).waitFor({ timeout: 30_000 });
      expect(refused).toEqual([]);

      // What the platform now holds, read with an admin key outside the browser.
      const id = await item.getAttribute('data-id');
      const session = await fetch(`${gateway.origin}/v1/auth/login`, {
        method: 'POST',
        headers: { 'x-api-key': STOREFRONT, 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'john.smith@example.com', password: 'Demo!Passw0rd' }),
      });
      const { customerId } = (await session.json()) as { customerId: string };
      const stored = await fetch(
        `${gateway.origin}/v1/customers/${encodeURIComponent(customerId)}/addresses/${encodeURIComponent(id!)}`,
        { headers: { authorization: `Bearer ${ADMIN}` } },
      );
      expect(stored.status).toBe(200);
      expect(await stored.json()).toMatchObject({ line1: '77 Browser Lane', city: 'Cambridge', postalCode: '02139' });
    }, 90_000);

    it('the same page from an origin CORS_ORIGINS does not name cannot sign in', async () => {
      const { page } = await open(foreign.origin);
      await page.locator('#status', { hasText: 'Network error' }).waitFor({ timeout: 30_000 });
    }, 60_000);
  },
);
