import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningGateway, startGateway } from '../e2e/support.js';
import { startWorker } from '../e2e/workerd.js';
import { launchChromium, noBrowserReason, onlyOrigins } from './chromium.js';

describe.skipIf(noBrowserReason !== undefined)('/docs in headless Chromium, offline (zero-config npm start)', () => {
  let gateway: RunningGateway;
  let browser: Browser;

  beforeAll(async () => {
    [gateway, browser] = await Promise.all([startGateway({}), launchChromium()]);
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await gateway?.stop();
  });

  it(
    'loads Swagger UI from the gateway itself, lists the operations and runs "Try it out"',
    () => checkDocs(browser, gateway.origin),
    90_000,
  );
});

describe.skipIf(noBrowserReason !== undefined)(
  '/docs in headless Chromium, offline (the zero-config demo Worker in workerd)',
  () => {
    let worker: Awaited<ReturnType<typeof startWorker>>;
    let browser: Browser;

    beforeAll(async () => {
      [worker, browser] = await Promise.all([startWorker({}, { demo: true }), launchChromium()]);
    }, 120_000);
    afterAll(async () => {
      await browser?.close();
      await worker?.dispose();
    });

    // Swagger UI's files come from the Workers Static Assets in front of the Worker (wrangler.toml).
    it(
      'loads Swagger UI from the Worker itself, lists the operations and runs "Try it out"',
      () => checkDocs(browser, worker.origin),
      90_000,
    );
  },
);

/** Swagger UI from `origin` alone: the operations listed, and "Try it out" on /v1/backends answering 200. */
async function checkDocs(browser: Browser, origin: string) {
  const page = await browser.newPage();
  const refused = await onlyOrigins(page, [origin]);
  await page.goto(`${origin}/docs`);
  await page.locator('.opblock').first().waitFor({ timeout: 30_000 });
  expect(await page.locator('.opblock').count()).toBeGreaterThan(20);
  for (const path of ['/v1/auth/login', '/v1/me', '/v1/me/addresses/{addressId}', '/v1/customers/{customerId}']) {
    await expect.poll(() => page.locator(`.opblock-summary-path[data-path="${path}"]`).count()).toBeGreaterThan(0);
  }
  await expect.poll(() => page.locator('.auth-wrapper .authorize').count()).toBeGreaterThan(0);

  const operation = page
    .locator('.opblock', { has: page.locator('.opblock-summary-path[data-path="/v1/backends"]') })
    .first();
  await operation.locator('.opblock-summary').click();
  await operation.locator('button.try-out__btn').click();
  await operation.locator('button.execute').click();
  const status = operation.locator('.live-responses-table .response .response-col_status').first();
  await status.waitFor({ timeout: 30_000 });
  expect((await status.innerText()).trim()).toBe('200');
  expect(await operation.locator('.live-responses-table').first().innerText()).toContain('"default": "sfcc"');
  expect(refused).toEqual([]);
}
