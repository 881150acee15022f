import { describe, expect, it } from 'vitest';
import { createSfccEmulator } from '../../emulators/sfcc/index.js';
import { buildGateway } from '../conformance/harness.js';

/** "Cannot" is said once: the capability false and the method absent (CONTRIBUTING.md, *Adding a capability*). */
describe('account capabilities and their adapter methods', () => {
  const rule = { guestConversion: 'convertGuest', erasure: 'eraseCustomer' } as const;

  it('every backend offers convertGuest / eraseCustomer exactly where guestConversion / erasure is true', () => {
    const gw = buildGateway('memory', { BACKENDS: 'memory,sfcc,scayle,open2b,scapi' });
    const seen: Record<string, Record<string, boolean>> = {};
    for (const [name, adapter] of gw.deps.backends) {
      seen[name] = {};
      for (const [capability, method] of Object.entries(rule)) {
        const flag = adapter.capabilities[capability as keyof typeof rule];
        expect(typeof adapter[method] === 'function', `${name}.${method}`).toBe(flag);
        seen[name]![capability] = flag;
      }
    }
    expect(seen).toEqual({
      memory: { guestConversion: true, erasure: true },
      sfcc: { guestConversion: false, erasure: true },
      scayle: { guestConversion: true, erasure: true },
      open2b: { guestConversion: true, erasure: true },
      scapi: { guestConversion: false, erasure: true },
    });
  });

  it('sfcc without the Data API cannot erase, says how to turn it on, and the erase route answers 501', async () => {
    const {
      SFCC_DATA_BASE_URL: _data,
      SFCC_CUSTOMER_LIST: _list,
      ...shopOnly
    } = createSfccEmulator().connectionEnv('http://sfcc.invalid');
    const gw = buildGateway('sfcc', { BACKENDS: 'sfcc', ...shopOnly });
    const adapter = gw.deps.backends.get('sfcc')!;
    expect(adapter.capabilities.erasure).toBe(false);
    expect(adapter.eraseCustomer).toBeUndefined();
    expect(adapter.capabilityHints?.erasure).toMatch(/SFCC_DATA_BASE_URL/);
    const refused = await gw.call('POST', '/customers/abc/erase', {});
    expect(refused.status).toBe(501);
    expect(refused.body.detail).toMatch(/SFCC_DATA_BASE_URL/);
  });
});
