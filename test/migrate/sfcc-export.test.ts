import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type { ScayleBackdoor } from '../../emulators/scayle/index.js';
import { createDeps } from '../../src/deps.js';
import { embeddedEmulators } from '../../src/embedded.js';
import { parseEnv } from '../../src/env.js';
import {
  exportSource,
  loadPasswordHashes,
  migrateCustomers,
  readCustomerExport,
  reportJson,
} from '../../migrate/lib/index.js';
import { silentLog, testContext } from '../adapters/support.js';
import { exportXml, fakeHash, lazyExport, type FixtureCustomer } from './export-fixture.js';
import { emptyTarget, stored } from './support.js';

const { ctx } = testContext();
const iter = (...chunks: (string | Buffer)[]) =>
  (async function* () {
    yield* chunks;
  })();
async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const customers: FixtureCustomer[] = [
  {
    no: '00000001',
    email: 'jane@example.com',
    firstName: 'Jane',
    lastName: 'Weiß',
    hash: fakeHash('jane'),
    externalRef: 'CRM-7',
    addresses: [
      {
        id: 'home',
        line1: 'Straße des 17. Juni 1',
        city: 'Berlin',
        postalCode: '10623',
        country: 'DE',
        preferred: true,
      },
      { id: 'work', line1: 'Unter den Linden 5', city: 'Berlin', postalCode: '10117', country: 'DE' },
    ],
  },
  { no: '00000002', email: 'tom@example.com', lastName: 'Old', hash: 'c2hhMjU2', scheme: 'SHA-256', enabled: false },
  { no: '00000003', email: 'guestlike@example.com', lastName: 'NoPassword' },
];

describe('reading an SFCC customer-list export', () => {
  it('reads <customer> under either root, credentials and all, even with characters split between chunks', async () => {
    for (const root of ['customers', 'customer-list'] as const) {
      const bytes = Buffer.from(exportXml(customers, root));
      // One byte at a time: every multi-byte character (ß, ä) arrives in pieces.
      const read = await all(readCustomerExport(iter(...Array.from(bytes, (b) => Buffer.from([b])))));
      expect(read.map((c) => c.customerNo)).toEqual(['00000001', '00000002', '00000003']);
      expect(read[0]).toMatchObject({
        login: 'jane@example.com',
        passwordHash: fakeHash('jane'),
        passwordScheme: 'scrypt',
        profile: { 'last-name': 'Weiß' },
        custom: { externalRef: 'CRM-7' },
      });
      expect(read[0]!.addresses[0]).toMatchObject({
        id: 'home',
        preferred: true,
        fields: { address1: 'Straße des 17. Juni 1' },
      });
      expect(read[1]).toMatchObject({ passwordScheme: 'SHA-256', enabled: false });
    }
  });

  it('refuses a file that is not such an export, or not XML, saying where', async () => {
    await expect(
      all(readCustomerExport(iter('<customers xmlns="urn:other"><customer customer-no="1"/></customers>'))),
    ).rejects.toThrow(/not an SFCC customer export/);
    await expect(all(readCustomerExport(iter(exportXml(customers).slice(0, 400), '<oops')))).rejects.toThrow(
      /not well-formed XML/,
    );
  });

  it('streams: 100,000 customers are read as they are produced, in bounded memory', async () => {
    const source = lazyExport(100_000);
    // Measured after a full collection: what is still reachable, not what V8 has yet to collect.
    const heapBefore = liveHeap();
    let count = 0;
    let peak = 0;
    let ahead = 0;
    for await (const c of readCustomerExport(source.chunks())) {
      count++;
      ahead = Math.max(ahead, source.produced() - count);
      if (count % 10_000 === 0) peak = Math.max(peak, liveHeap() - heapBefore);
      if (count === 100_000)
        expect(c).toMatchObject({ customerNo: '00099999', profile: { 'last-name': 'Müller-99999' } });
    }
    expect(count).toBe(100_000);
    // Never more than one generated batch ahead of the reader: nothing is read up front.
    expect(ahead).toBeLessThanOrEqual(100);
    // The export is ~80 MB of text; holding it, or its customers, would take several times that.
    expect(peak).toBeLessThan(96 * 1024 * 1024);
  }, 60_000);
});

describe('migrating from an export', () => {
  const open = () => iter(exportXml(customers));

  it('two customers of the export with one reference: the second is a conflict, not merged into the first', async () => {
    const twins = [
      { no: '00000101', email: 'first@example.com', lastName: 'First', externalRef: 'CRM-TWIN' },
      { no: '00000102', email: 'second@example.com', lastName: 'Second', externalRef: 'CRM-TWIN' },
    ];
    const target = emptyTarget();
    const source = exportSource('twins.xml', () => iter(exportXml(twins)));
    const result = await migrateCustomers({ source, target, ctx });
    expect(result.customers.map((c) => [c.email, c.outcome, c.code])).toEqual([
      ['first@example.com', 'created', undefined],
      ['second@example.com', 'failed', 'conflict'],
    ]);
    expect([...stored(target).keys()]).toEqual(['first@example.com']);
  });

  it('brings profiles and addresses over like the Data API would', async () => {
    const target = emptyTarget();
    const result = await migrateCustomers({ source: exportSource('customers.xml', open), target, ctx, batchSize: 2 });
    expect(result.counts).toMatchObject({ read: 3, created: 3, failed: 0 });
    const jane = stored(target).get('jane@example.com')!;
    expect(jane.customer).toMatchObject({
      externalRef: 'CRM-7',
      firstName: 'Jane',
      lastName: 'Weiß',
      gender: 'female',
      birthDate: '1985-03-04',
    });
    expect([...jane.addresses.values()].map((a) => [a.line1, a.countryCode, a.isDefaultBilling])).toEqual([
      ['Straße des 17. Juni 1', 'DE', true],
      ['Unter den Linden 5', 'DE', false],
    ]);
    expect(stored(target).get('tom@example.com')!.customer.status.active).toBe(false);
    expect(stored(target).get('guestlike@example.com')!.customer.externalRef).toBe('sfcc-export:00000003');
  });

  it('carries scrypt hashes to SCAYLE (hashingType salesforce) and never writes them into the report', async () => {
    const deps = createDeps(
      parseEnv({ BACKENDS: 'scayle', LOG_LEVEL: 'silent' }),
      { fetch: (i, init) => fetch(i, init), log: silentLog },
      embeddedEmulators,
    );
    const scayle = deps.emulators.get('scayle')!.backdoor as ScayleBackdoor;
    const source = exportSource('customers.xml', open);
    const result = await migrateCustomers({
      source,
      target: deps.backends.get('scayle')!,
      ctx,
      passwordHashes: source,
    });
    expect(result.counts).toMatchObject({ created: 3, failed: 0, passwordsCarried: 1, passwordResetNeeded: 1 });
    const jane = scayle.readCustomer('jane@example.com')!;
    expect(scayle.readCredential(jane.id)).toEqual({
      hashingType: 'salesforce',
      hash: fakeHash('jane'),
      source: 'password-hash',
    });
    expect(jane.hasPassword).toBe(true);
    // SHA-256 is not a hash SCAYLE's salesforce hashing checks: Tom is flagged for a reset instead.
    expect(result.customers.find((c) => c.email === 'tom@example.com')).toMatchObject({ passwordResetNeeded: true });
    expect(scayle.readCredential(scayle.readCustomer('tom@example.com')!.id)).toBeUndefined();
    expect(reportJson(result)).not.toContain(fakeHash('jane'));
    expect(reportJson(result)).not.toContain('c2hhMjU2');
  });

  it('--passwords-from beside another source: hashes found by login; a target without hash import lists them for a reset', async () => {
    const hashes = await loadPasswordHashes('customers.xml', open);
    expect(hashes).toMatchObject({ customers: 3, hashes: 1, otherSchemes: 1 });
    expect(hashes.hashFor({ email: 'JANE@example.com' })).toBe(fakeHash('jane'));
    expect(hashes.hashFor({ customerNo: '00000001', email: 'x@example.com' })).toBe(fakeHash('jane'));
    const memorySource = emptyTarget();
    await memorySource.createCustomer(
      { email: 'jane@example.com', lastName: 'Weiß', active: true, password: 'whatever-1' },
      ctx,
    );
    const result = await migrateCustomers({ source: memorySource, target: emptyTarget(), ctx, passwordHashes: hashes });
    expect(result.customers[0]).toMatchObject({
      outcome: 'created',
      passwordResetNeeded: true,
      notes: expect.arrayContaining([expect.stringMatching(/cannot take password hashes/)]),
    });
    expect(result.warnings.join()).toMatch(/memory cannot take password hashes/);
  });
});

/** Heap in use after a forced full garbage collection (V8's gc, reached without --expose-gc). */
function liveHeap(): number {
  v8.setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}
