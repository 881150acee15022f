import { afterAll, describe, expect, it } from 'vitest';
import type { CustomerEvent } from '../../schemas/index.js';
import { parseEnv } from '../../src/env.js';
import { DEAD_LOG, OUTBOX_LOG } from '../../src/events/outbox.js';
import { openNodeEventSinks } from '../../src/events/sinks/open.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { SharedStore } from '../../src/store/types.js';
import { eventsGateway, recordingSink } from '../events/support.js';
import { startReceiver, verifiedEvent } from '../events/receivers.js';

/**
 * Issue 24 with issue 23's pipeline, in-process (memory backend, memory store): the reset token
 * reaches a real webhook receiver, signed, and never the store in clear; the email change and the
 * erasure go out as events; the export lists the held events, and an erasure leaves none of them
 * (outbox or dead letter) holding the customer's data, while another customer's stay as they were.
 */
const SECRET = `whsec_${Buffer.from('account-events-secret-0123456789').toString('base64')}`;
const PASSWORD = 'Str0ng!Passw0rd';
const env = { BACKENDS: 'memory', MEMORY_SEED: 'false', WEBHOOK_SECRET: SECRET };

/** Every string a memory store is given, whatever the operation. */
function spiedStore() {
  const store = createMemoryStore();
  const written: string[] = [];
  const spied = new Proxy(store, {
    get:
      (target, name: keyof SharedStore) =>
      (...args: unknown[]) => {
        written.push(...args.filter((a): a is string => typeof a === 'string'));
        return (target[name] as (...a: unknown[]) => unknown).apply(target, args);
      },
  });
  return { store: spied, written };
}

/** Every value the outbox and the dead letters hold, as text. */
const heldText = async (store: SharedStore) =>
  [...(await store.readLog(OUTBOX_LOG, 0, 10_000)), ...(await store.readLog(DEAD_LOG, 0, 10_000))]
    .map((e) => e.value)
    .join('\n');

describe('account events through the events pipeline', () => {
  const closing: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const close of closing.splice(0)) await close();
  });

  it('a reset token reaches the webhook receiver, signed; the store never holds it; it sets the password once', async () => {
    const receiver = await startReceiver();
    const config = parseEnv({ ...env, WEBHOOK_URLS: receiver.url });
    const sinks = await openNodeEventSinks(config.events);
    const { store, written } = spiedStore();
    const gw = eventsGateway({ ...env, WEBHOOK_URLS: receiver.url }, sinks, store);
    gw.events.start();
    closing.push(
      () => gw.events.stop(),
      () => receiver.close(),
    );
    expect(gw.deps.accounts.events.deliversSecrets).toBe(true);
    const email = 'reset-me@example.com';
    const created = await gw.call('POST', '/v1/customers', { email, lastName: 'Reset', password: PASSWORD });
    expect((await gw.call('POST', '/v1/auth/password-reset', { email })).status).toBe(202);
    // Verified by the reference library: what it hands back is what the mailer uses.
    const event = await verifiedEvent(receiver, SECRET, (e) => e.type === 'customer.password_reset.requested');
    expect(event.data).toMatchObject({ customerId: created.body.id, email, expiresAt: expect.any(String) });
    const token = event.data.token!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    expect((await gw.call('POST', '/v1/auth/password-reset/confirm', { token, password: 'N3w!Passw0rd' })).status).toBe(
      204,
    );
    expect((await gw.call('POST', '/v1/auth/login', { email, password: 'N3w!Passw0rd' })).status).toBe(200);
    expect((await gw.call('POST', '/v1/auth/password-reset/confirm', { token, password: 'An0ther!Pw' })).status).toBe(
      400,
    );
    // Not in any key, value, member or log entry the store was ever given; the pull feed does not list it.
    expect(written.filter((text) => text.includes(token))).toEqual([]);
    const feed = await gw.call('GET', '/v1/events?limit=100');
    const types = feed.body.items.map((e: CustomerEvent) => e.type);
    expect(types).not.toContain('customer.password_reset.requested');
    // The new password is announced like any password change.
    expect(types).toContain('customer.password.changed');
  });

  it('EVENTS_PAYLOAD=full: the export lists the held events; erasure leaves none holding the email or name (dead letters too), and touches no other customer', async () => {
    const hook = recordingSink('test:hook', { signed: true });
    const store = createMemoryStore();
    const gw = eventsGateway(
      {
        ...env,
        EVENTS_PAYLOAD: 'full',
        WEBHOOK_URLS: 'http://127.0.0.1:9/unused',
        EVENTS_DEAD_AFTER_SECONDS: '1',
        EVENTS_BACKOFF_MS: '20/50',
      },
      [hook],
      store,
    );
    gw.events.start();
    closing.push(() => gw.events.stop());
    const register = async (email: string, lastName: string) =>
      (await gw.call('POST', '/v1/customers', { email, lastName, password: PASSWORD })).body.id as string;
    const erased = await register('erase-me@example.com', 'Erasmus');
    const kept = await register('keep-me@example.com', 'Keeper');
    // The receiver refuses the erased customer's events: they end up as dead letters, payload and all.
    hook.failing = (event) => event.subject === erased;
    const login = await gw.call('POST', '/v1/auth/login', { email: 'erase-me@example.com', password: PASSWORD });
    const shopper = { authorization: `Bearer ${login.body.accessToken}` };
    const changed = await gw.call(
      'PATCH',
      '/v1/me',
      { email: 'erase-me-too@example.com', currentPassword: PASSWORD },
      shopper,
    );
    expect(changed.status).toBe(200);
    const address = await gw.call('POST', `/v1/customers/${erased}/addresses`, {
      firstName: 'Eva',
      lastName: 'Erasmus',
      line1: '1 Forget Street',
      postalCode: '10115',
      city: 'Berlin',
      countryCode: 'DE',
    });
    expect(address.status, JSON.stringify(address.body)).toBe(201);
    while (!(await heldText(store)).includes(`"sink":"test:hook"`)) await new Promise((r) => setTimeout(r, 50));

    const exported = await gw.call('GET', `/v1/customers/${erased}/export`);
    const types = exported.body.events.map((e: { type: string }) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['customer.created', 'customer.email.changed', 'customer.address.created']),
    );
    expect(exported.body.events.find((e: any) => e.type === 'customer.email.changed').data).toMatchObject({
      email: 'erase-me-too@example.com',
      previousEmail: 'erase-me@example.com',
    });
    const before = await heldText(store);
    expect(before).toContain('Erasmus');

    const report = await gw.call('POST', `/v1/customers/${erased}/erase`, {});
    expect(report.status).toBe(200);
    const step = report.body.steps.find((s: { where: string }) => s.where === 'change events');
    expect(step).toMatchObject({ outcome: 'erased', count: expect.any(Number) });
    expect(step.count).toBeGreaterThanOrEqual(3);
    const after = await heldText(store);
    for (const personal of ['erase-me@example.com', 'erase-me-too@example.com', 'Erasmus', 'Eva', 'Forget Street'])
      expect(after).not.toContain(personal);
    // The events are still there, with their ids (consumers still get them), and customer.erased follows.
    const feed = (await gw.call('GET', '/v1/events?limit=100')).body.items as CustomerEvent[];
    const about = feed.filter((e) => e.subject === erased);
    expect(about.map((e) => e.type)).toEqual(expect.arrayContaining(['customer.created', 'customer.erased']));
    for (const event of about) expect(Object.keys(event.data).sort()).not.toContain('customer');
    // The email change's update names what changed, not the password that proved it.
    expect(about.find((e) => e.type === 'customer.updated')?.data.changed).toEqual(['email']);
    // The other customer's events keep their payload.
    const other = feed.find((e) => e.subject === kept && e.type === 'customer.created')!;
    expect(other.data.customer).toMatchObject({ email: 'keep-me@example.com', lastName: 'Keeper' });
    expect((await gw.call('POST', `/v1/customers/${erased}/erase`, {})).body.steps).toContainEqual(
      expect.objectContaining({ where: 'change events', outcome: 'nothing held', count: 0 }),
    );
  });
});
