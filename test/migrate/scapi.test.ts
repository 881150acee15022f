import { describe, expect, it } from 'vitest';
import type { ScapiBackdoor } from '../../emulators/scapi/index.js';
import type { ScayleBackdoor } from '../../emulators/scayle/index.js';
import type { SfccBackdoor } from '../../emulators/sfcc/index.js';
import { createDeps } from '../../src/deps.js';
import { embeddedEmulators } from '../../src/embedded.js';
import { parseEnv } from '../../src/env.js';
import { migrateCustomers } from '../../migrate/lib/index.js';
import { silentLog, testContext } from '../adapters/support.js';

/** Every backend on its embedded, seeded emulator (what `npm run migrate` uses without configuration). */
function embedded(backends: string) {
  const deps = createDeps(
    parseEnv({ BACKENDS: backends, LOG_LEVEL: 'silent' }),
    { fetch: (i, init) => fetch(i, init), log: silentLog },
    embeddedEmulators,
  );
  return {
    adapter: (name: string) => deps.backends.get(name)!,
    backdoor: <T>(name: string) => deps.emulators.get(name)!.backdoor as unknown as T,
  };
}
const { ctx } = testContext();

describe('migrating with scapi', () => {
  it('sfcc → scapi: the OCAPI demo shoppers land in the SCAPI customer list with references, addresses and the primary address; a re-run adds nothing', async () => {
    const { adapter, backdoor } = embedded('sfcc,scapi');
    const sfcc = backdoor<SfccBackdoor>('sfcc');
    const scapi = backdoor<ScapiBackdoor>('scapi');
    const before = scapi.readAll().length;
    const shoppers = sfcc.readAll();
    const first = await migrateCustomers({ source: adapter('sfcc'), target: adapter('scapi'), ctx, batchSize: 2 });
    expect(first.counts, JSON.stringify(first.customers.filter((c) => c.outcome === 'failed'))).toMatchObject({
      read: shoppers.length,
      created: shoppers.length,
      failed: 0,
    });
    expect(scapi.readAll().length).toBe(before + shoppers.length);

    const john = scapi.readCustomer('john.smith@example.com')!;
    expect(john).toMatchObject({
      c_externalRef: 'CRM-1001',
      c_origin: 'webshop',
      firstName: 'John',
      lastName: 'Smith',
      gender: 1,
      birthday: '1980-04-12',
      phoneHome: '123450003',
      credentials: { enabled: true },
    });
    expect(john.primaryAddress).toMatchObject({ address1: '10 Presidential Way', city: 'Woburn', countryCode: 'US' });
    expect(
      scapi
        .readAddresses(String(john.customerNo))
        .map((a) => a.address1)
        .sort(),
    ).toEqual(['10 Presidential Way', '5 Wall St']);
    expect(scapi.readCustomer('mario.rossi')).toMatchObject({ credentials: { enabled: false } });

    const second = await migrateCustomers({ source: adapter('sfcc'), target: adapter('scapi'), ctx });
    expect(second.counts).toMatchObject({ created: 0, skipped: shoppers.length, failed: 0 });
    expect(scapi.readAll().length).toBe(before + shoppers.length);
  });

  it('scapi → scayle: the SCAPI demo shoppers move to SCAYLE (what SCAYLE cannot hold omitted)', async () => {
    const { adapter, backdoor } = embedded('scapi,scayle');
    const scayle = backdoor<ScayleBackdoor>('scayle');
    const shoppers = backdoor<ScapiBackdoor>('scapi').readAll();
    const omit = ['login', 'companyName', 'phones.mobile', 'salutation', 'addresses.companyName'];
    const result = await migrateCustomers({ source: adapter('scapi'), target: adapter('scayle'), ctx, omit });
    expect(result.counts, JSON.stringify(result.customers.filter((c) => c.outcome === 'failed'))).toMatchObject({
      read: shoppers.length,
      created: shoppers.length,
      failed: 0,
    });
    const wei = scayle.readCustomer('wei.leung@example.com')!;
    expect(wei).toMatchObject({
      referenceKey: 'CRM-2001',
      firstName: 'Wei',
      lastName: 'Leung',
      gender: 'm',
      birthDate: '1985-06-15',
      phone: '415-555-1211',
    });
    expect(wei.addresses.find((a) => a.isDefault.billing)).toMatchObject({
      houseNumber: '123',
      street: 'Trailblazer Ave.',
      countryCode: 'USA',
    });
    expect(scayle.readCustomer('sam.disabled@example.com')!.status.isActive).toBe(false);
  });
});
