import { expect } from 'vitest';
import { serveOnLoopback } from '../../emulators/shared/runtime.js';
import { buildGateway, type GatewayUnderTest, uniqueTag } from '../conformance/harness.js';
import { e2ePlatforms } from '../e2e/support.js';
import { berlinAddress } from '../support/address.js';

/**
 * Support for the live-migration tests: platform emulators served on loopback (so several
 * gateways can share them, as a fleet or a restarted gateway would), customers seeded on the
 * source through the gateway's own source backend, and what the target's backdoor really holds.
 */

export const PASSWORD = 'Liv3!Passw0rd';

export interface Platforms {
  env: Record<string, string>;
  backdoor(name: string): any;
  faults(name: string): import('../../emulators/shared/faults.js').FaultController;
  /** Stops one emulator's server: its platform is down (connections refused). */
  stop(name: string): Promise<void>;
  close(): Promise<void>;
}

/** Serves empty emulators of the named platforms on loopback. */
export async function servePair(...names: string[]): Promise<Platforms> {
  const served = await Promise.all(
    names.map(async (name) => {
      const platform = e2ePlatforms.find((p) => p.name === name)!;
      const emulator = platform.create({ seed: false });
      return { name, emulator, server: await serveOnLoopback(emulator.app), stopped: false };
    }),
  );
  const one = (name: string) => served.find((s) => s.name === name)!;
  return {
    env: Object.assign({}, ...served.map((s) => s.emulator.connectionEnv(s.server.origin))),
    backdoor: (name) => one(name).emulator.backdoor,
    faults: (name) => one(name).emulator.faults,
    async stop(name) {
      const s = one(name);
      if (!s.stopped) await s.server.close();
      s.stopped = true;
    },
    close: () => Promise.all(served.filter((s) => !s.stopped).map((s) => s.server.close())).then(() => undefined),
  };
}

/** A gateway whose `live` backend moves `source` → `target` on the served platforms. */
export function liveGateway(platforms: Platforms, pair: string, env: Record<string, string> = {}): GatewayUnderTest {
  return buildGateway('live', { ...platforms.env, BACKENDS: pair.split('->')[0]!, LIVE_MIGRATION: pair, ...env });
}

export interface Seeded {
  id: string;
  email: string;
  lastName: string;
  externalRef: string;
}

/** A customer every platform can store: one billing address carrying the customer's name (Open2b). */
export function storable(tag = uniqueTag()) {
  const lastName = `Liv${tag.slice(-8)}`;
  return {
    email: `live-${tag}@example.com`,
    firstName: 'Erika',
    lastName,
    password: PASSWORD,
    externalRef: `crm-${tag}`,
    addresses: [berlinAddress({ lastName, line1: `Hauptstraße ${tag.length}` })],
  };
}

/** Registers customers on the source platform itself (as the old shop did), through its own backend. */
export async function seedSource(gw: GatewayUnderTest, source: string, count: number, withRef = true) {
  const seeded: Seeded[] = [];
  for (let i = 0; i < count; i++) {
    const { externalRef, ...input } = storable();
    const res = await gw.call('POST', `/v1/backends/${source}/customers`, withRef ? { ...input, externalRef } : input);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    seeded.push({ id: res.body.id, email: input.email, lastName: input.lastName, externalRef });
  }
  return seeded;
}

/** What a target platform holds for an email, read on its backdoor: the customer, its addresses, its password. */
export async function onTarget(platforms: Platforms, target: string, email: string, password = PASSWORD) {
  const b = platforms.backdoor(target);
  switch (target) {
    case 'scayle': {
      const all = b.readAll().filter((c: any) => c.email === email);
      const c = all[0];
      return {
        count: all.length,
        record: c,
        addresses: c?.addresses.length ?? 0,
        password: !!c && b.checkPassword(c.id, password),
      };
    }
    case 'sfcc': {
      const all = b.readAll().filter((c: any) => c.email === email);
      const c = all[0];
      const addresses = c ? b.readAddresses(c.customer_id).length : 0;
      return { count: all.length, record: c, addresses, password: !!c && b.readPassword(c.customer_id) === password };
    }
    case 'scapi': {
      const all = b.readAll().filter((c: any) => c.email === email);
      const c = all[0];
      const addresses = c ? b.readAddresses(c.customerNo).length : 0;
      return { count: all.length, record: c, addresses, password: !!c && b.readPassword(c.customerNo) === password };
    }
    default: {
      const all = (await b.readAll()).filter((c: any) => c.billingAddress.email === email);
      const c = all[0];
      const addresses = c ? 1 + (c.shippingAddress ? 1 : 0) : 0;
      return { count: all.length, record: c, addresses, password: !!c && (await b.checkPassword(c.id, password)) };
    }
  }
}
