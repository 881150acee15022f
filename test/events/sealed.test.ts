import { afterEach, describe, expect, it } from 'vitest';
import type { CustomerEvent } from '../../schemas/index.js';
import { createDispatcher } from '../../src/events/dispatcher.js';
import { buildEvent } from '../../src/events/model.js';
import { createOutbox, OUTBOX_LOG } from '../../src/events/outbox.js';
import { createSealer, SEALED_FOR_MS } from '../../src/events/seal.js';
import { createLogger } from '../../src/logging/logger.js';
import { createMemoryStore } from '../../src/store/memory.js';
import type { SharedStore } from '../../src/store/types.js';
import { recordingSink } from './support.js';

/**
 * Issue 24: the reset token is a secret the shared store must never hold in clear. The outbox
 * keeps a secret event's data sealed (AES-GCM, key from WEBHOOK_SECRET by HKDF and a per-event
 * salt); only a signed sink's lane opens it; once every signed sink took it, or after the token's
 * 30 minutes, nobody can open it again.
 */
const secret = (seed: string) => `whsec_${Buffer.from(seed.padEnd(32, '.')).toString('base64')}`;
const SECRET = secret('sealed-test-secret');
const NEXT_SECRET = secret('sealed-test-next-secret');
const TOKEN = 'tok3n-THAT-must-never-be-stored-in-clear_0123';
const log = createLogger({ level: 'silent' });
const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((stop) => stop()));
});

/** A memory store that keeps every string written to it (keys, values, members, log entries). */
function spiedStore(now?: () => number) {
  const store = createMemoryStore(now ? { now } : {});
  const written: string[] = [];
  const spied = new Proxy(store, {
    get(target, name: keyof SharedStore) {
      const original = target[name] as (...args: unknown[]) => unknown;
      return (...args: unknown[]) => {
        if (name !== 'get' && name !== 'readLog') written.push(...args.filter((a) => typeof a === 'string'));
        return original.apply(target, args);
      };
    },
  });
  return { store: spied, written };
}

const resetEvent = (id: string): CustomerEvent =>
  buildEvent(
    {
      type: 'customer.password_reset.requested',
      backend: 'memory',
      customerId: 'C1',
      email: 'jane@example.com',
      token: TOKEN,
      expiresAt: new Date(Date.now() + SEALED_FOR_MS).toISOString(),
    },
    id,
    new Date(),
    { source: '/test', payload: 'ids' },
  );

function setup(store: SharedStore, secrets: string[], sinks: ReturnType<typeof recordingSink>[]) {
  const signedSinks = sinks.filter((s) => s.signed).map((s) => s.name);
  const outbox = createOutbox(store, 3_600_000, createSealer(store, { secrets, signedSinks }));
  const dispatcher = createDispatcher({
    store,
    log,
    outbox,
    sinks,
    backoff: { firstMs: 10, maxMs: 20 },
    deadAfterMs: 3_000_000,
    retentionMs: 3_600_000,
    leaseMs: 1000,
  });
  stops.push(() => dispatcher.stop(500));
  return { outbox, dispatcher };
}

describe('secret-bearing events in the outbox', () => {
  it('the token is in the store only sealed; each signed sink gets it in clear; once all have, nobody can open it', async () => {
    const { store, written } = spiedStore();
    const mailer = recordingSink('test:mailer', { signed: true });
    const crm = recordingSink('test:crm', { signed: true });
    const broker = recordingSink('test:broker');
    crm.failing = () => true;
    const { outbox, dispatcher } = setup(store, [SECRET], [mailer, crm, broker]);
    await outbox.append([resetEvent('reset-1')]);
    dispatcher.start();
    await mailer.until(1);
    expect(mailer.received[0]!.data).toMatchObject({ customerId: 'C1', email: 'jane@example.com', token: TOKEN });

    // What the store holds: the event with ids only, and ciphertext.
    const [entry] = await store.readLog(OUTBOX_LOG, 0, 10);
    const record = JSON.parse(entry!.value);
    expect(record.event.data).toEqual({ customerId: 'C1', origin: 'gateway' });
    expect(record.sealed).toMatch(/^[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+$/);
    // One signed sink still waits for it: it can still be opened (by the lane, with the secret).
    expect((await outbox.open(record))?.data.token).toBe(TOKEN);

    crm.failing = () => false;
    await crm.until(1);
    expect(crm.received[0]!.data.token).toBe(TOKEN);
    await dispatcher.stop(500);
    expect(broker.received).toEqual([]);
    // Both took it: the salt is gone, the ciphertext left in the append-only log opens for nobody.
    expect(await outbox.open(record)).toBeUndefined();
    expect(written.length).toBeGreaterThan(5);
    expect(written.filter((text) => text.includes(TOKEN) || text.includes('jane@example.com'))).toEqual([]);
  });

  it('sealed under one secret of a rotation, opened under the next; another secret opens nothing', async () => {
    const store = createMemoryStore();
    const sealed = await createSealer(store, { secrets: [SECRET], signedSinks: ['s'] }).seal(resetEvent('rot-1'));
    const rotated = createSealer(store, { secrets: [NEXT_SECRET, SECRET], signedSinks: ['s'] });
    expect((await rotated.open(sealed.event, sealed.sealed))?.data.token).toBe(TOKEN);
    const stranger = createSealer(store, { secrets: [NEXT_SECRET], signedSinks: ['s'] });
    expect(await stranger.open(sealed.event, sealed.sealed)).toBeUndefined();
    // Its ciphertext is bound to its event id.
    expect(await rotated.open({ ...sealed.event, id: 'rot-2' }, sealed.sealed)).toBeUndefined();
  });

  it('a token its signed sink could not take within 30 minutes is dead-lettered without it', async () => {
    let skew = 0;
    const { store, written } = spiedStore(() => Date.now() + skew);
    const mailer = recordingSink('test:mailer', { signed: true });
    mailer.failing = () => true;
    const { outbox, dispatcher } = setup(store, [SECRET], [mailer]);
    await outbox.append([resetEvent('late-1')]);
    await dispatcher.drain(200);
    expect(mailer.attempts).toBeGreaterThan(0);
    // The receiver is back after the token's life: the store's clock moves past it.
    skew = SEALED_FOR_MS + 60_000;
    mailer.failing = () => false;
    while ((await outbox.readDead(0, 10)).length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      await dispatcher.drain(200);
    }
    const [dead] = await outbox.readDead(0, 10);
    expect(dead!.letter).toMatchObject({
      sink: 'test:mailer',
      reason: 'its secret expired before it could be delivered',
    });
    expect(dead!.letter.event.data).toEqual({ customerId: 'C1', origin: 'gateway' });
    expect(mailer.received).toEqual([]);
    expect(written.filter((text) => text.includes(TOKEN))).toEqual([]);
  });
});
