import { describe, expect, it } from 'vitest';
import type { ScayleBackdoor } from '../../emulators/scayle/index.js';
import { memoryStore } from '../../adapters/memory/index.js';
import { createDeps } from '../../src/deps.js';
import { embeddedEmulators } from '../../src/embedded.js';
import { parseEnv } from '../../src/env.js';
import {
  isLossy,
  migrateCustomers,
  verifiedClean,
  verifyMigration,
  verifySummaryLines,
} from '../../migrate/lib/index.js';
import { silentLog, testContext } from '../adapters/support.js';
import { emptyTarget, seededSource, stored } from './support.js';

const { ctx } = testContext();

describe('verify', () => {
  it('finds a faithful copy clean, then every kind of difference a user would care about', async () => {
    const source = await seededSource();
    const target = emptyTarget();
    await migrateCustomers({ source, target, ctx });
    const clean = await verifyMigration({ source, target, ctx });
    expect(clean.counts).toMatchObject({ checked: 5, matched: 5, differing: 0, missing: 0, extra: 0 });
    expect(verifiedClean(clean)).toBe(true);

    const held = stored(target);
    const ada = held.get('ada@example.com')!;
    ada.customer.lastName = 'Byron';
    ada.addresses.get('work')!.city = 'Oxford';
    held.get('giulia@example.it')!.addresses.clear();
    held.get('max@example.de')!.customer.status.active = true;
    memoryStore(target).records.delete(held.get('ana@example.es')!.customer.id);
    await target.createCustomer({ email: 'stranger@example.com', lastName: 'Stranger', active: true }, ctx);

    const result = await verifyMigration({ source, target, ctx });
    expect(result.counts).toMatchObject({ checked: 5, matched: 1, differing: 3, missing: 1, extra: 1 });
    const by = (email: string) => result.customers.find((c) => c.email === email);
    expect(by('ada@example.com')).toMatchObject({ outcome: 'differing', fields: ['lastName', 'addresses.1.city'] });
    expect(by('giulia@example.it')).toMatchObject({ outcome: 'differing', fields: ['addresses.0'] });
    expect(by('max@example.de')).toMatchObject({ outcome: 'differing', fields: ['active'] });
    expect(by('ana@example.es')).toMatchObject({ outcome: 'missing' });
    expect(by('stranger@example.com')).toMatchObject({ outcome: 'extra' });
    expect(verifiedClean(result)).toBe(false);
    expect(verifySummaryLines(result)[0]).toBe(
      'verify memory → memory: 5 checked, 1 matched, 3 differing, 1 missing on the target, 1 extra on the target',
    );
  });

  // An instance of SCAYLE (brand-b) loses what SCAYLE loses: the lossy table is the platform's.
  it.each([
    ['scayle', 'scayle'],
    ['brand-b:scayle', 'brand-b'],
  ])(
    'sfcc → %s: what SCAYLE has no place for and how it reshapes street lines are not differences; a changed field is',
    async (entry, name) => {
      const deps = createDeps(
        parseEnv({ BACKENDS: `sfcc,${entry}`, LOG_LEVEL: 'silent' }),
        { fetch: (i, init) => fetch(i, init), log: silentLog },
        embeddedEmulators,
      );
      const [source, target] = [deps.backends.get('sfcc')!, deps.backends.get(name)!];
      const scayle = deps.emulators.get(name)!.backdoor as ScayleBackdoor;
      const demo = scayle.readAll().map((c) => c.email);
      // Only what SCAYLE cannot store is left out; the lossy table covers the rest.
      const omit = [
        'login',
        'salutation',
        'jobTitle',
        'companyName',
        'phones.mobile',
        'phones.business',
        'phones.fax',
        'addresses.fullName',
        'addresses.salutation',
        'addresses.companyName',
      ];
      const migrated = await migrateCustomers({ source, target, ctx, omit });
      expect(migrated.counts.failed).toBe(0);

      const result = await verifyMigration({ source, target, ctx });
      expect(result.counts).toMatchObject({
        matched: migrated.counts.read,
        differing: 0,
        missing: 0,
        extra: demo.length,
      });
      expect(isLossy('scayle', 'addresses.2.companyName')).toBe(true);

      // A value changed on the target behind the migration's back is a difference.
      await target.updateCustomer({ kind: 'externalRef', externalRef: 'CRM-1001' }, { firstName: 'Johnny' }, {}, ctx);
      const changed = await verifyMigration({ source, target, ctx });
      expect(changed.customers.find((c) => c.email === 'john.smith@example.com')).toMatchObject({
        outcome: 'differing',
        fields: ['firstName'],
      });
    },
  );
});
