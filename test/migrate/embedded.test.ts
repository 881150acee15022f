import { describe, expect, it } from 'vitest';
import type { OcapiCustomer, SfccBackdoor } from '../../emulators/sfcc/index.js';
import type { Open2bBackdoor } from '../../emulators/open2b/index.js';
import type { ScayleBackdoor } from '../../emulators/scayle/index.js';
import { createDeps } from '../../src/deps.js';
import { embeddedEmulators } from '../../src/embedded.js';
import { parseEnv } from '../../src/env.js';
import { migrateCustomers } from '../../migrate/lib/index.js';
import { silentLog, testContext } from '../adapters/support.js';

/** The zero-config setup `npm run migrate` uses: every backend on its embedded, seeded emulator. */
function embedded(backends: string) {
  const deps = createDeps(
    parseEnv({ BACKENDS: backends, LOG_LEVEL: 'silent' }),
    { fetch: (i, init) => fetch(i, init), log: silentLog },
    embeddedEmulators,
  );
  const backdoor = <T>(name: string) => deps.emulators.get(name)!.backdoor as unknown as T;
  return { deps, adapter: (name: string) => deps.backends.get(name)!, backdoor };
}

const { ctx } = testContext();
/** What SCAYLE cannot store of the sfcc demo shoppers (the summary of a first run suggests this list). */
const OMIT_FOR_SCAYLE = [
  'phones.mobile',
  'phones.business',
  'phones.fax',
  'salutation',
  'jobTitle',
  'companyName',
  'login',
  'addresses.fullName',
  'addresses.salutation',
  'addresses.companyName',
];

describe('migrating between embedded emulators', () => {
  it('sfcc → scayle: every demo shopper lands in SCAYLE with its reference, and a re-run adds nothing', async () => {
    const { adapter, backdoor } = embedded('sfcc,scayle');
    const sfcc = backdoor<SfccBackdoor>('sfcc');
    const scayle = backdoor<ScayleBackdoor>('scayle');
    const before = scayle.readAll().length;
    const shoppers: OcapiCustomer[] = sfcc.readAll();

    const first = await migrateCustomers({
      source: adapter('sfcc'),
      target: adapter('scayle'),
      ctx,
      batchSize: 2,
      omit: OMIT_FOR_SCAYLE,
    });
    expect(first.counts).toMatchObject({ read: shoppers.length, created: shoppers.length, failed: 0 });
    // OCAPI does not say who has a password: every registered shopper is flagged for a reset.
    expect(first.counts.passwordResetNeeded).toBe(shoppers.length);
    expect(scayle.readAll().length).toBe(before + shoppers.length);

    const john = scayle.readCustomer('john.smith@example.com')!;
    expect(john).toMatchObject({
      referenceKey: 'CRM-1001',
      firstName: 'John',
      lastName: 'Smith',
      gender: 'm',
      birthDate: '1980-04-12',
      phone: '123450003',
    });
    expect(john.legacyCustomData).toMatchObject({ origin: 'webshop' });
    expect(john.hasPassword).toBe(false);
    // line1 is split the SCAYLE way (US: number before the street), the country goes alpha-3.
    expect(john.addresses.map((a) => [a.houseNumber, a.street, a.city, a.countryCode]).sort()).toEqual([
      ['10', 'Presidential Way', 'Woburn', 'USA'],
      ['5', 'Wall St', 'Burlington', 'USA'],
    ]);
    expect(scayle.readCustomer('mario.rossi@example.it')!.status.isActive).toBe(false);
    // A shopper without an external reference is tagged with where it came from.
    const marie = sfcc.readCustomer('marie.curie@example.fr')!;
    expect(scayle.readCustomer('marie.curie@example.fr')!.referenceKey).toBe(`sfcc:${marie.customer_id}`);

    const second = await migrateCustomers({
      source: adapter('sfcc'),
      target: adapter('scayle'),
      ctx,
      omit: OMIT_FOR_SCAYLE,
    });
    expect(second.counts).toMatchObject({ created: 0, skipped: shoppers.length, failed: 0 });
    expect(scayle.readAll().length).toBe(before + shoppers.length);
  });

  it('sfcc → scayle without --omit: the customers SCAYLE cannot hold fail, naming the field, and the others still move', async () => {
    const { adapter, backdoor } = embedded('sfcc,scayle');
    const result = await migrateCustomers({ source: adapter('sfcc'), target: adapter('scayle'), ctx });
    const erika = result.customers.find((c) => c.email === 'erika.mustermann@example.de')!;
    expect(erika).toMatchObject({
      outcome: 'failed',
      step: 'create',
      code: 'validation_failed',
      errors: [expect.objectContaining({ path: 'salutation' })],
    });
    expect(backdoor<ScayleBackdoor>('scayle').readCustomer('erika.mustermann@example.de')).toBeUndefined();
    expect(result.counts.failed).toBeGreaterThan(0);
    expect(result.counts.created + result.counts.failed).toBe(result.counts.read);
  });

  it('sfcc → open2b: created inactive with their billing address; the shopper without an address is refused', async () => {
    const { adapter, backdoor } = embedded('sfcc,open2b');
    const open2b = backdoor<Open2bBackdoor>('open2b');
    const before = (await open2b.readAll()).length;
    const omit = [
      'gender',
      'birthDate',
      'custom',
      'salutation',
      'title',
      'jobTitle',
      'phones.business',
      'phones.mobile',
      'addresses.salutation',
      'addresses.fullName',
      'addresses.companyName',
    ];
    const result = await migrateCustomers({
      source: adapter('sfcc'),
      target: adapter('open2b'),
      ctx,
      omit,
      createInactive: true,
    });

    expect(result.customers.find((c) => c.email === 'mario.rossi@example.it')).toMatchObject({
      outcome: 'failed',
      code: 'validation_failed',
      errors: [expect.objectContaining({ path: 'addresses' })],
    });
    expect(result.counts).toMatchObject({ created: 4, failed: 1 });
    const stored = (await open2b.readAll()).slice(before);
    expect(stored).toHaveLength(4);
    const erika = stored.find((c) => c.billingAddress.email === 'erika.mustermann@example.de')!;
    expect(erika).toMatchObject({ code: 'CRM-1002', canLogin: false, hasPassword: false });
    expect(erika.billingAddress).toMatchObject({
      firstName: 'Erika',
      lastName: 'Mustermann',
      street1: 'Heidestraße 17',
      city: 'Köln',
      country: 'DE',
    });
  });
});
