import { describe, expect, it } from 'vitest';
import { buildGateway } from '../conformance/harness.js';

/**
 * The demo customers each emulator starts with are what a user tries first (`npm start`): every
 * one must take a profile change through the gateway, so none holds a value its platform's own
 * rules refuse (the Open2b demo's fax was one character over its 15).
 */
describe('demo customers of the embedded emulators', () => {
  for (const backend of ['sfcc', 'scapi', 'scayle', 'open2b']) {
    it(`${backend}: every one takes a change of its first name`, async () => {
      const gw = buildGateway(backend, { BACKENDS: backend });
      const page = await gw.call('GET', `/v1/backends/${backend}/customers?limit=100`);
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      expect(page.body.items.length).toBeGreaterThan(0);
      for (const customer of page.body.items as { id: string; email: string }[]) {
        const changed = await gw.call('PATCH', `/v1/backends/${backend}/customers/${customer.id}`, {
          firstName: 'Demo',
        });
        expect(changed.status, `${customer.email}: ${JSON.stringify(changed.body)}`).toBe(200);
      }
    });
  }
});
