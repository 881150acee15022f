import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../adapters/errors.js';
import { memoryStore } from '../../adapters/memory/index.js';
import {
  migrateCustomers,
  MigrationSetupError,
  type MigrationProgress,
  verifyMigration,
} from '../../migrate/lib/index.js';
import { testContext } from '../adapters/support.js';
import { emptyTarget, rejectingEmail, seededSource, sourceCustomers, stored, wrap } from './support.js';

const { ctx } = testContext();

describe('migrateCustomers memory → memory', () => {
  it('creates every customer with its fields and addresses on the target, without read-only fields', async () => {
    const source = await seededSource();
    const target = emptyTarget();
    const result = await migrateCustomers({ source, target, ctx, batchSize: 2 });

    expect(result.counts).toMatchObject({ read: 5, created: 5, skipped: 0, failed: 0 });
    expect(result.complete).toBe(true);
    expect(result.resumeFrom).toBeNull();
    const byEmail = stored(target);
    expect(byEmail.size).toBe(5);

    const ada = byEmail.get('ada@example.com')!;
    expect(ada.customer).toMatchObject({
      firstName: 'Ada',
      lastName: 'Lovelace',
      externalRef: 'crm-1',
      gender: 'female',
      birthDate: '1815-12-10',
      phones: { primary: '+44 20 7946 0001' },
      groups: ['vip'],
      custom: { origin: 'webshop' },
    });
    // The memory target names addresses (addressRename), so the source's names are kept.
    expect([...ada.addresses.keys()].sort()).toEqual(['home', 'work']);
    expect(ada.addresses.get('work')).toMatchObject({
      companyName: 'Analytical Engines',
      line1: '1 Babbage Lane',
      isDefaultBilling: false,
    });
    expect(ada.addresses.get('home')).toMatchObject({
      isDefaultBilling: true,
      isDefaultShipping: true,
      countryCode: 'GB',
    });
    // No password travels: the target has none, and the customer is flagged for a reset instead.
    expect(ada.passwordHash).toBeUndefined();
    expect(ada.customer.hasPassword).toBe(false);

    // Status is carried; a source without externalRef gets `<backend>:<sourceId>`.
    const max = byEmail.get('max@example.de')!;
    expect(max.customer.status.active).toBe(false);
    const maxSourceId = result.customers.find((c) => c.email === 'max@example.de')!.sourceId;
    expect(max.customer.externalRef).toBe(`memory:${maxSourceId}`);
    expect(byEmail.get('jean@example.fr')!.customer.externalRef).toBe('crm-4');

    // What the report says was created is what the target holds.
    for (const report of result.customers)
      expect(memoryStore(target).records.get(report.targetId!)!.customer.email).toBe(report.email);
  });

  it('counts and flags the customers who had a password for a reset', async () => {
    const result = await migrateCustomers({ source: await seededSource(), target: emptyTarget(), ctx });
    expect(result.counts.passwordResetNeeded).toBe(2);
    expect(
      result.customers
        .filter((c) => c.passwordResetNeeded)
        .map((c) => c.email)
        .sort(),
    ).toEqual(['ada@example.com', 'giulia@example.it']);
  });

  it('is idempotent: a second run skips everyone and duplicates nothing', async () => {
    const source = await seededSource();
    const target = emptyTarget();
    const first = await migrateCustomers({ source, target, ctx, batchSize: 2 });
    const second = await migrateCustomers({ source, target, ctx, batchSize: 2 });

    expect(second.counts).toMatchObject({ read: 5, created: 0, skipped: 5, failed: 0, passwordResetNeeded: 0 });
    expect(second.customers.every((c) => c.reason === 'exists')).toBe(true);
    // Each skip points at the customer the first run created.
    expect(second.customers.map((c) => c.targetId)).toEqual(first.customers.map((c) => c.targetId));
    expect(memoryStore(target).records.size).toBe(5);
  });

  it('recognises existing customers by email when the target cannot look up externalRef', async () => {
    const source = await seededSource();
    const inner = emptyTarget();
    const target = wrap(inner, { capabilities: { externalRefLookup: false } });
    await migrateCustomers({ source, target, ctx });
    const second = await migrateCustomers({ source, target, ctx });
    expect(second.duplicateCheck).toBe('email');
    expect(second.counts).toMatchObject({ created: 0, skipped: 5, failed: 0 });
    expect(second.customers[0]!.reason).toBe('exists (same email)');
    expect(memoryStore(inner).records.size).toBe(5);
  });

  it('warns when the target can recognise nothing', async () => {
    const target = wrap(emptyTarget(), { capabilities: { externalRefLookup: false, listCustomers: false } });
    const result = await migrateCustomers({ source: await seededSource(), target, ctx });
    expect(result.duplicateCheck).toBe('none');
    expect(result.warnings.join('\n')).toMatch(/re-run may create duplicates/);
  });

  it('dry run writes nothing but reports what it would create', async () => {
    const target = emptyTarget();
    let creates = 0;
    const counting = wrap(target, { createCustomer: async (input, c) => (creates++, target.createCustomer(input, c)) });
    const result = await migrateCustomers({ source: await seededSource(), target: counting, ctx, dryRun: true });

    expect(creates).toBe(0);
    expect(memoryStore(target).records.size).toBe(0);
    expect(result.dryRun).toBe(true);
    expect(result.counts).toMatchObject({ read: 5, created: 0, wouldCreate: 5, failed: 0, passwordResetNeeded: 2 });
    expect(result.customers.every((c) => c.outcome === 'would_create')).toBe(true);
  });

  it('dry run still reports what a real run would skip', async () => {
    const source = await seededSource();
    const target = emptyTarget();
    await migrateCustomers({ source, target, ctx, maxCustomers: 2 });
    const dry = await migrateCustomers({ source, target, ctx, dryRun: true });
    expect(dry.counts).toMatchObject({ skipped: 2, wouldCreate: 3 });
  });

  it('leaves alone a target customer that has the same email under another reference, in dry runs too', async () => {
    const target = emptyTarget();
    await target.createCustomer(
      { email: 'max@example.de', lastName: 'Other', externalRef: 'shop-77', active: true },
      ctx,
    );
    for (const dryRun of [true, false]) {
      const result = await migrateCustomers({ source: await seededSource(), target, ctx, dryRun });
      expect(result.customers.find((c) => c.email === 'max@example.de')).toMatchObject({
        outcome: 'failed',
        step: 'lookup',
        code: 'conflict',
        detail: expect.stringMatching(/under the reference shop-77/),
      });
      expect(result.counts.failed).toBe(1);
    }
    expect(stored(target).get('max@example.de')!.customer).toMatchObject({ lastName: 'Other', externalRef: 'shop-77' });
  });

  it('two source customers with one reference: the second is a conflict, not merged into the first', async () => {
    const [ada] = sourceCustomers;
    const twin = { ...ada!, email: 'ada.twin@example.com', firstName: 'Twin', externalRef: 'crm-x', addresses: [] };
    const source = await seededSource([ada!, twin]);
    // The memory backend refuses a taken reference; platforms that do not, hold such twins.
    stored(source).get('ada.twin@example.com')!.customer.externalRef = ada!.externalRef;
    const target = emptyTarget();
    for (const run of [1, 2]) {
      const result = await migrateCustomers({ source, target, ctx });
      expect(
        result.customers.find((c) => c.email === 'ada.twin@example.com'),
        `run ${run}`,
      ).toMatchObject({
        outcome: 'failed',
        code: 'conflict',
        errors: [{ path: 'externalRef', message: 'shared with another customer on the source' }],
      });
      expect(result.customers.find((c) => c.email === 'ada@example.com')!.outcome).toBe(
        run === 1 ? 'created' : 'skipped',
      );
    }
    expect([...stored(target).keys()]).toEqual(['ada@example.com']);
    expect(stored(target).get('ada@example.com')!.customer.firstName).toBe('Ada');
  });

  it('a customer whose email changed on the source since an earlier run is the same one: updated, not a conflict', async () => {
    const [ada] = sourceCustomers;
    const source = await seededSource([ada!]);
    const target = emptyTarget();
    await migrateCustomers({ source, target, ctx });
    const sourceId = stored(source).get('ada@example.com')!.customer.id;
    await source.updateCustomer({ kind: 'id', id: sourceId }, { email: 'ada.new@example.com' }, {}, ctx);
    const again = await migrateCustomers({ source, target, ctx });
    expect(again.counts.failed).toBe(0);
  });

  it('carries legacy text the canonical API refuses in a write: control characters as spaces, blank fields left out, noted', async () => {
    const [, , giulia] = sourceCustomers;
    const source = await seededSource([giulia!]);
    // As a platform may hold them from an old form (the canonical API refuses such writes).
    const held = stored(source).get('giulia@example.it')!;
    held.customer.companyName = ' ';
    held.customer.phones = { primary: '+39 06 1234\t' };
    held.addresses.get('casa')!.line2 = 'Scala B\r\n';
    const target = emptyTarget();
    const result = await migrateCustomers({ source, target, ctx });
    expect(result.counts).toMatchObject({ created: 1, failed: 0 });
    expect(result.customers[0]!.notes).toContain(
      'cleaned for the canonical API: companyName (blank: left out), phones.primary (control characters), addresses.0.line2 (control characters)',
    );
    const written = stored(target).get('giulia@example.it')!;
    expect(written.customer.companyName).toBeUndefined();
    expect(written.customer.phones).toEqual({ primary: '+39 06 1234' });
    expect([...written.addresses.values()][0]!.line2).toBe('Scala B');
    // And verify finds the copy faithful.
    expect((await verifyMigration({ source, target, ctx })).counts).toMatchObject({ matched: 1, differing: 0 });
  });

  it('records a customer the target refuses and migrates the rest', async () => {
    const inner = emptyTarget();
    const result = await migrateCustomers({
      source: await seededSource(),
      target: rejectingEmail(inner, 'giulia@example.it'),
      ctx,
    });

    expect(result.counts).toMatchObject({ created: 4, failed: 1 });
    const giulia = result.customers.find((c) => c.email === 'giulia@example.it')!;
    expect(giulia).toMatchObject({
      outcome: 'failed',
      step: 'create',
      code: 'validation_failed',
      detail: expect.stringMatching(/25 characters/),
      errors: [{ path: 'lastName', message: 'at most 25 characters' }],
    });
    // A customer that failed was not created, so it needs no reset yet.
    expect(result.counts.passwordResetNeeded).toBe(1);
    expect([...stored(inner).keys()].sort()).toEqual([
      'ada@example.com',
      'ana@example.es',
      'jean@example.fr',
      'max@example.de',
    ]);
  });

  it('refuses a customer with more addresses than the target holds, before writing anything', async () => {
    const inner = emptyTarget();
    const target = wrap(inner, { capabilities: { maxAddresses: 1 } });
    const result = await migrateCustomers({ source: await seededSource(), target, ctx });
    const ada = result.customers.find((c) => c.email === 'ada@example.com')!;
    expect(ada).toMatchObject({
      outcome: 'failed',
      step: 'map',
      code: 'not_supported',
      detail: expect.stringMatching(/2 addresses.*at most 1/),
    });
    expect(stored(inner).has('ada@example.com')).toBe(false);
    expect(result.counts.created).toBe(4);
  });

  it('keeps a half-done create (customer written, an address refused) as a failure naming what exists', async () => {
    const inner = emptyTarget();
    const target = wrap(inner, {
      async createCustomer(input, c) {
        const { addresses, ...customer } = input;
        const created = await inner.createCustomer({ ...customer }, c);
        if (addresses?.length)
          throw new GatewayError('validation_failed', 'address rejected', {
            created: { customerId: created.value.id },
          });
        return created;
      },
    });
    const result = await migrateCustomers({ source: await seededSource(), target, ctx });
    const ada = result.customers.find((c) => c.email === 'ada@example.com')!;
    expect(ada).toMatchObject({
      outcome: 'failed',
      step: 'create',
      created: { customerId: stored(inner).get('ada@example.com')!.customer.id },
    });
  });

  it('waits out rate limits for the Retry-After the backend gave, then creates the customer', async () => {
    const inner = emptyTarget();
    let refused = 0;
    const target = wrap(inner, {
      async createCustomer(input, c) {
        if (input.email === 'max@example.de' && refused < 2) {
          refused++;
          throw new GatewayError('rate_limited', 'slow down', { retryAfter: 3 });
        }
        return inner.createCustomer(input, c);
      },
    });
    const waits: number[] = [];
    const result = await migrateCustomers({
      source: await seededSource(),
      target,
      ctx,
      retry: { sleep: async (ms) => void waits.push(ms) },
    });
    expect(waits).toEqual([3000, 3000]);
    expect(result.counts).toMatchObject({ created: 5, failed: 0 });
  });

  it('gives up on a customer that stays rate limited, and goes on with the others', async () => {
    const inner = emptyTarget();
    let attempts = 0;
    const target = wrap(inner, {
      async createCustomer(input, c) {
        if (input.email === 'max@example.de') {
          attempts++;
          throw new GatewayError('rate_limited', 'slow down', { retryAfter: 1 });
        }
        return inner.createCustomer(input, c);
      },
    });
    const result = await migrateCustomers({
      source: await seededSource(),
      target,
      ctx,
      retry: { maxAttempts: 3, sleep: async () => {} },
    });
    expect(attempts).toBe(3);
    expect(result.customers.find((c) => c.email === 'max@example.de')).toMatchObject({
      outcome: 'failed',
      code: 'rate_limited',
    });
    expect(result.counts).toMatchObject({ created: 4, failed: 1 });
  });

  it('migrates only customers updated since the given instant', async () => {
    const source = await seededSource();
    for (const r of memoryStore(source).records.values())
      r.customer.updatedAt = r.customer.email === 'jean@example.fr' ? '2030-01-02T00:00:00Z' : '2020-01-01T00:00:00Z';
    const target = emptyTarget();
    const result = await migrateCustomers({ source, target, ctx, since: '2030-01-01T00:00:00Z' });
    expect(result.customers.map((c) => c.email)).toEqual(['jean@example.fr']);
    expect([...stored(target).keys()]).toEqual(['jean@example.fr']);
  });

  it('reports progress per customer and per page', async () => {
    const events: MigrationProgress[] = [];
    await migrateCustomers({
      source: await seededSource(),
      target: emptyTarget(),
      ctx,
      batchSize: 2,
      onProgress: (p) => events.push(p),
    });
    expect(events.filter((e) => e.kind === 'customer')).toHaveLength(5);
    expect(events.filter((e) => e.kind === 'page').map((e) => e.done)).toEqual([2, 4, 5]);
    expect(events.at(-1)).toMatchObject({ total: 5, pages: 3, counts: { created: 5 } });
  });
});

describe('migrateCustomers: resuming', () => {
  // A target that recognises nothing: only the resume point keeps a second run from repeating work.
  const blindTarget = () => {
    const inner = emptyTarget();
    return { inner, target: wrap(inner, { capabilities: { externalRefLookup: false, listCustomers: false } }) };
  };

  it('continues from the returned position, mid-page, without redoing anyone', async () => {
    const source = await seededSource();
    const { inner, target } = blindTarget();
    const first = await migrateCustomers({ source, target, ctx, batchSize: 2, maxCustomers: 3 });
    expect(first.complete).toBe(false);
    expect(first.stoppedBy).toBeUndefined();
    expect(first.resumeFrom).toMatchObject({
      source: 'memory',
      target: 'memory',
      position: 2,
      skip: 1,
      done: 3,
      dryRun: false,
    });
    expect(memoryStore(inner).records.size).toBe(3);

    const events: MigrationProgress[] = [];
    const second = await migrateCustomers({
      source,
      target,
      ctx,
      batchSize: 2,
      resumeFrom: JSON.parse(JSON.stringify(first.resumeFrom)),
      onProgress: (p) => events.push(p),
    });
    expect(second.counts).toMatchObject({ read: 2, created: 2, failed: 0 });
    expect(second.complete).toBe(true);
    expect(events.at(-1)!.done).toBe(5);
    expect([...stored(inner).keys()].sort()).toEqual(sourceCustomers.map((c) => c.email).sort());
  });

  it('stops between customers when asked and can continue from there', async () => {
    const source = await seededSource();
    const { inner, target } = blindTarget();
    const stop = new AbortController();
    const first = await migrateCustomers({
      source,
      target,
      ctx,
      batchSize: 2,
      stop: stop.signal,
      onProgress: (p) => p.counts.read === 1 && stop.abort(),
    });
    expect(first.stoppedBy).toMatchObject({ code: 'stopped' });
    expect(first.counts.read).toBe(1);
    const second = await migrateCustomers({ source, target, ctx, batchSize: 2, resumeFrom: first.resumeFrom! });
    expect(second.counts).toMatchObject({ read: 4, created: 4, failed: 0 });
    expect(memoryStore(inner).records.size).toBe(5);
  });

  it('ends with a resume point, not an exception, when a source page cannot be read', async () => {
    const real = await seededSource();
    let lists = 0;
    const source = wrap(real, {
      async listCustomers(query, c) {
        if (++lists === 2) throw new GatewayError('upstream_unavailable', 'connection reset');
        return real.listCustomers!(query, c);
      },
    });
    const target = emptyTarget();
    const first = await migrateCustomers({ source, target, ctx, batchSize: 2 });
    expect(first.stoppedBy).toMatchObject({ code: 'upstream_unavailable' });
    expect(first.resumeFrom).toMatchObject({ position: 2, skip: 0 });
    expect(first.counts.created).toBe(2);
    const second = await migrateCustomers({ source, target, ctx, batchSize: 2, resumeFrom: first.resumeFrom! });
    expect(second.counts).toMatchObject({ created: 3, skipped: 0 });
    expect(second.complete).toBe(true);
  });

  it('refuses a resume point from another run or from a dry run', async () => {
    const source = await seededSource();
    const target = emptyTarget();
    const dry = await migrateCustomers({ source, target, ctx, dryRun: true, maxCustomers: 1 });
    await expect(migrateCustomers({ source, target, ctx, resumeFrom: dry.resumeFrom! })).rejects.toThrow(/dry run/);
    const real = await migrateCustomers({ source, target, ctx, maxCustomers: 1 });
    await expect(
      migrateCustomers({ source, target, ctx, since: '2020-01-01T00:00:00Z', resumeFrom: real.resumeFrom! }),
    ).rejects.toThrow(MigrationSetupError);
    await expect(
      migrateCustomers({ source, target, ctx, resumeFrom: { ...real.resumeFrom!, source: 'scayle' } }),
    ).rejects.toThrow(/belongs to the run scayle/);
  });
});

describe('migrateCustomers: setup', () => {
  it('refuses a source that cannot list customers, saying why', async () => {
    const source = wrap(await seededSource(), { capabilities: { listCustomers: false } });
    await expect(migrateCustomers({ source, target: emptyTarget(), ctx })).rejects.toThrow(/cannot list customers/);
    // How to turn the capability on comes from the adapter, not from the migration's own code.
    const hinted = wrap(source, { capabilityHints: { listCustomers: 'set THE_LIST_URL' } });
    await expect(migrateCustomers({ source: hinted, target: emptyTarget(), ctx })).rejects.toThrow(
      /cannot list customers .*: set THE_LIST_URL$/,
    );
  });

  it('refuses --since on a source that cannot list by change time, and an impossible date, before reading anything', async () => {
    const source = wrap(await seededSource(), { capabilities: { listByUpdatedSince: false } });
    const since = '2024-01-01T00:00:00Z';
    await expect(migrateCustomers({ source, target: emptyTarget(), ctx, since })).rejects.toThrow(
      /cannot list customers by change time/,
    );
    await expect(
      migrateCustomers({ source: await seededSource(), target: emptyTarget(), ctx, since: '2024-02-30T00:00:00Z' }),
    ).rejects.toThrow(/is not an ISO 8601 instant/);
  });

  it('refuses a bad batch size', async () => {
    await expect(
      migrateCustomers({ source: await seededSource(), target: emptyTarget(), ctx, batchSize: 500 }),
    ).rejects.toThrow(MigrationSetupError);
  });
});
