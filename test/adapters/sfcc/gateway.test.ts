import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSfccEmulator } from '../../../emulators/sfcc/index.js';
import { serveOnLoopback, type RunningEmulator } from '../../../emulators/shared/runtime.js';
import { buildGateway } from '../../conformance/harness.js';

/** What a caller of the gateway sees from the sfcc backend, over loopback HTTP. */
describe('sfcc through the gateway', () => {
  const emulator = createSfccEmulator();
  let server: RunningEmulator;
  beforeAll(async () => {
    server = await serveOnLoopback(emulator.app);
  });
  afterAll(() => server.close());

  it('without the Data API: capabilities say so; listing and ref: answer 501 naming what to set', async () => {
    const { SFCC_DATA_BASE_URL: _d, SFCC_CUSTOMER_LIST: _l, ...env } = emulator.connectionEnv(server.origin);
    const gw = buildGateway('sfcc', { BACKENDS: 'sfcc', ...env });
    expect(gw.capabilities).toMatchObject({ listCustomers: false, externalRefLookup: false });
    const list = await gw.call('GET', '/customers');
    expect(list.status).toBe(501);
    expect(list.body).toMatchObject({ code: 'not_supported', detail: expect.stringContaining('SFCC_DATA_BASE_URL') });
    expect((await gw.call('GET', '/customers/ref:CRM-1001')).status).toBe(501);
  });

  it('passes OCAPI’s Retry-After on with a 429, and hides upstream bodies and tokens', async () => {
    const gw = buildGateway('sfcc', { BACKENDS: 'sfcc', ...emulator.connectionEnv(server.origin) });
    const [first] = (await gw.call('GET', '/customers?limit=1')).body.items;
    emulator.faults.inject({ path: '/dw/shop/', rateLimitSeconds: 42, times: 3 });
    const limited = await gw.call('GET', `/customers/${first.id}`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('42');
    expect(JSON.stringify(limited.body)).not.toMatch(/QuotaExceeded.*quota has been exceeded|Bearer/);
    emulator.faults.clear();
  });

  it('a hook refusal is a 422 problem carrying the hook message', async () => {
    const gw = buildGateway('sfcc', { BACKENDS: 'sfcc', ...emulator.connectionEnv(server.origin) });
    const [first] = (await gw.call('GET', '/customers?limit=1')).body.items;
    emulator.backdoor.failHook({
      method: 'PATCH',
      extensionPoint: 'dw.ocapi.shop.customer.beforePatchCustomer',
      statusCode: 'LOCKED',
      statusMessage: 'Locked by CRM.',
    });
    const res = await gw.call('PATCH', `/customers/${first.id}`, { firstName: 'X' });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({
      code: 'rejected',
      detail: expect.stringContaining('Locked by CRM.'),
      upstream: { status: 400, code: 'LOCKED' },
    });
  });
});
