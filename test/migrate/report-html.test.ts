import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../adapters/errors.js';
import { migrateCustomers, reportHtml, throughput } from '../../migrate/lib/index.js';
import { testContext } from '../adapters/support.js';
import { launchChromium, noBrowserReason } from '../browser/chromium.js';
import { emptyTarget, seededSource, wrap } from './support.js';

const { ctx } = testContext();
describe.skipIf(noBrowserReason !== undefined)('the HTML report', () => {
  it('opens in Chromium with the summary, a drawn throughput chart and every customer, failures first, markup in messages shown as text', async () => {
    const token = 'scayle-live-token-123456';
    const inner = emptyTarget();
    const target = wrap(inner, {
      async createCustomer(input, c) {
        if (input.email === 'jean@example.fr')
          throw new GatewayError('validation_failed', `<img src=x onerror="window.pwned=1"> refused (${token})`, {
            errors: [{ path: 'lastName', message: 'too <b>bold</b>' }],
          });
        return inner.createCustomer(input, c);
      },
    });
    const result = await migrateCustomers({ source: await seededSource(), target, ctx });
    // A real run samples about once a second; five seconds of one here.
    result.timeline = [0, 1, 2, 3, 4, 5].map((s) => ({
      seconds: s,
      done: s === 0 ? 0 : s * 10 - (s % 2) * 3,
      rssMiB: 80,
    }));
    expect(throughput(result.timeline).map((p) => p.perSecond)).toEqual([7, 13, 7, 13, 7]);
    const html = reportHtml(result, [token]);
    expect(html).not.toContain(token);

    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.setContent(html);
      expect(await page.title()).toBe('Migration memory → memory');
      const summary = Object.fromEntries(
        await page.$$eval('#summary tr', (rows) =>
          rows.map((r) => [r.querySelector('th')!.textContent, r.querySelector('td')!.textContent]),
        ),
      );
      expect(summary).toMatchObject({ read: '5', created: '4', failed: '1', 'need a password reset': '2' });
      const chart = await page.locator('#throughput polyline').boundingBox();
      expect(chart!.width).toBeGreaterThan(300);
      expect(await page.getAttribute('#throughput polyline', 'points')).toMatch(/^(\S+,\S+ ){4}\S+,\S+$/);
      const rows = await page.$$eval('#customers tbody tr', (trs) =>
        trs.map((tr) => ({ outcome: tr.className, cells: [...tr.querySelectorAll('td')].map((td) => td.textContent) })),
      );
      expect(rows).toHaveLength(5);
      expect(rows[0]).toMatchObject({
        outcome: 'failed',
        cells: expect.arrayContaining(['jean@example.fr', 'failed']),
      });
      expect(rows[0]!.cells[5]).toContain('<img src=x onerror="window.pwned=1"> refused (');
      expect(rows[0]!.cells[5]).toContain('lastName: too <b>bold</b>');
      expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
    } finally {
      await browser.close();
    }
  }, 60_000);
});
