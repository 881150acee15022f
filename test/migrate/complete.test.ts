import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../adapters/errors.js';
import { addressKey, migrateCustomers, pairAddresses, type ResumePoint } from '../../migrate/lib/index.js';
import { testContext } from '../adapters/support.js';
import { emptyTarget, seededSource, sourceCustomers, stored, wrap } from './support.js';

const { ctx } = testContext();

describe('a re-run after a crash', () => {
  it('adds the addresses and the status an interrupted run did not write, and reports the customer completed', async () => {
    const source = await seededSource();
    const target = emptyTarget();
    // What a run killed after creating Ada and her first address (and before Max's status) leaves behind.
    const [ada, max] = sourceCustomers;
    await target.createCustomer(
      {
        ...ada!,
        addresses: [{ ...ada!.addresses![0]!, isDefaultShipping: true, isDefaultBilling: true }],
        groups: ['vip'],
        active: true,
      } as never,
      ctx,
    );
    const maxRef = `memory:${(await source.listCustomers!({ limit: 5, email: 'max@example.de' }, ctx)).items[0]!.id}`;
    await target.createCustomer(
      { email: max!.email, firstName: 'Max', lastName: 'Mustermann', externalRef: maxRef, active: true },
      ctx,
    );

    const result = await migrateCustomers({ source, target, ctx });
    expect(result.customers.find((c) => c.email === 'ada@example.com')).toMatchObject({
      outcome: 'completed',
      added: ['addresses.1'],
    });
    expect(result.customers.find((c) => c.email === 'max@example.de')).toMatchObject({
      outcome: 'completed',
      added: ['active: false'],
    });
    expect(result.counts).toMatchObject({ created: 3, completed: 2, failed: 0 });
    const held = stored(target);
    expect([...held.get('ada@example.com')!.addresses.values()].map((a) => a.line1).sort()).toEqual([
      '1 Babbage Lane',
      '12 St James Square',
    ]);
    expect(held.get('max@example.de')!.customer.status.active).toBe(false);

    // Nothing is missing any more: a third run adds nothing.
    const again = await migrateCustomers({ source, target, ctx });
    expect(again.counts).toMatchObject({ skipped: 5, completed: 0, created: 0 });
  });

  it('a customer whose creation a crash cut short is flagged for a password reset when it is completed', async () => {
    const source = await seededSource();
    const target = emptyTarget();
    // Created without a password (none can be read from the source) and killed before its address.
    const giulia = sourceCustomers[2]!;
    const id = (await source.listCustomers!({ limit: 5, email: giulia.email }, ctx)).items[0]!.id;
    const { password: _password, addresses: _addresses, ...profile } = giulia;
    await target.createCustomer({ ...profile, externalRef: `memory:${id}`, active: true } as never, ctx);

    const result = await migrateCustomers({ source, target, ctx });
    expect(result.customers.find((c) => c.email === giulia.email)).toMatchObject({
      outcome: 'completed',
      added: ['addresses.0'],
      passwordResetNeeded: true,
    });
    // Counted with the created ones that had a password (Ada).
    expect(result.counts.passwordResetNeeded).toBe(2);

    // A later delta that only brings a new address of hers flags her no more (no second reset mail).
    const sourceId = stored(source).get(giulia.email)!.customer.id;
    await source.createAddress(
      { kind: 'id', id: sourceId },
      { lastName: 'Rossi', line1: 'Via Nuova 2', city: 'Roma', postalCode: '00100', countryCode: 'IT' } as never,
      ctx,
    );
    const delta = await migrateCustomers({ source, target, ctx });
    const row = delta.customers.find((c) => c.email === giulia.email)!;
    expect(row).toMatchObject({ outcome: 'completed', added: ['addresses.1'] });
    expect(row.passwordResetNeeded).toBeUndefined();
  });

  it('a dry run says what it would add and adds nothing', async () => {
    const source = await seededSource();
    const target = emptyTarget();
    const ada = sourceCustomers[0]!;
    await target.createCustomer({ ...ada, addresses: [], active: true } as never, ctx);
    const result = await migrateCustomers({ source, target, ctx, dryRun: true });
    expect(result.customers.find((c) => c.email === 'ada@example.com')).toMatchObject({
      outcome: 'skipped',
      reason: 'exists, would add addresses.0, addresses.1',
    });
    expect(stored(target).get('ada@example.com')!.addresses.size).toBe(0);
  });

  it('a customer the target refuses to complete fails at the complete step, naming the field', async () => {
    const source = await seededSource();
    const inner = emptyTarget();
    await inner.createCustomer({ ...sourceCustomers[0]!, addresses: [], active: true } as never, ctx);
    const target = wrap(inner, {
      async createAddress() {
        throw new GatewayError('validation_failed', 'companyName: not stored here', {
          errors: [{ path: 'companyName', message: 'not stored' }],
        });
      },
    });
    const result = await migrateCustomers({ source, target, ctx });
    expect(result.customers.find((c) => c.email === 'ada@example.com')).toMatchObject({
      outcome: 'failed',
      step: 'complete',
      code: 'validation_failed',
      targetId: expect.any(String),
    });
  });
});

describe('address matching across platforms', () => {
  const base = { countryCode: 'IT', postalCode: '00100', city: 'Roma', lastName: 'Rossi' };
  it('matches an address whose street line the target reshaped, and no other', () => {
    expect(addressKey({ ...base, line1: 'Via Roma, 12' })).toBe(
      addressKey({ ...base, line1: '12 Via Roma', countryCode: 'it', postalCode: '00 100' }),
    );
    expect(addressKey({ ...base, line1: 'Via Roma 12' })).not.toBe(addressKey({ ...base, line1: 'Via Roma 14' }));
  });
  it('pairs twins one by one', () => {
    const a = { ...base, line1: 'Via Roma 12' };
    expect(pairAddresses([a, a], [a])).toMatchObject({ missing: [a], extra: [] });
    expect(pairAddresses([a], [a, { ...a, city: 'Milano' }]).extra).toHaveLength(1);
  });
});

describe('checkpoints', () => {
  it('move forward after every customer, side by side too, and never past one that is not finished', async () => {
    const source = await seededSource();
    const inner = emptyTarget();
    // The first customer finishes last (it waits until the other four are created): the checkpoint must wait for it.
    let othersCreated = 0;
    let othersDone = () => {};
    const afterOthers = new Promise<void>((resolve) => (othersDone = resolve));
    const target = wrap(inner, {
      async createCustomer(input, c) {
        if (input.email === 'ada@example.com') await afterOthers;
        const created = await inner.createCustomer(input, c);
        if (input.email !== 'ada@example.com' && ++othersCreated === 4) othersDone();
        return created;
      },
    });
    const points: ResumePoint[] = [];
    const result = await migrateCustomers({
      source,
      target,
      ctx,
      batchSize: 5,
      concurrency: 3,
      onCheckpoint: (p) => points.push(structuredClone(p)),
    });
    expect(result.counts).toMatchObject({ created: 5, failed: 0 });
    expect(result.customers[0]!.email).not.toBe('ada@example.com');
    // While Ada was still being created, the point stayed before her.
    const beforeAda = points.slice(
      0,
      points.findIndex((p) => p.skip > 0),
    );
    expect(beforeAda.length).toBeGreaterThanOrEqual(2);
    expect(points.map((p) => p.skip)).toEqual([...points.map((p) => p.skip)].sort((x, y) => x - y));
    expect(points.at(-1)).toMatchObject({ skip: 5, done: 5 });
  });
});
