import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScayleEmulator, type ScayleBackdoor } from '../../emulators/scayle/index.js';
import { type RunningEmulator, serveOnLoopback } from '../../emulators/shared/runtime.js';
import type { Emulator } from '../../emulators/shared/types.js';
import { buildGateway } from '../conformance/harness.js';
import { asInstanceEnv } from '../instances/support.js';
import { type RunningGateway, runScript, startGateway } from './support.js';

/**
 * Two shops of one platform (two SCAYLE emulators served over HTTP), configured as instances
 * `brand-a:scayle,brand-b:scayle` by env only: `npm start` serves both, `npm run migrate` moves
 * customers from one to the other.
 */
describe('BACKENDS=brand-a:scayle,brand-b:scayle through npm start and npm run migrate', () => {
  const shops: Record<string, { emulator: Emulator<ScayleBackdoor>; server?: RunningEmulator }> = {
    'brand-a': { emulator: createScayleEmulator({ seed: false }) },
    'brand-b': { emulator: createScayleEmulator({ seed: false }) },
  };
  let env: Record<string, string> = {};
  let gateway: RunningGateway;
  const stored = (name: string) => JSON.stringify(shops[name]!.emulator.backdoor.readAll());
  const run = Date.now().toString(36);

  beforeAll(async () => {
    env = { BACKENDS: 'brand-a:scayle,brand-b:scayle', LOG_LEVEL: 'warn' };
    for (const [name, shop] of Object.entries(shops)) {
      shop.server = await serveOnLoopback(shop.emulator.app);
      Object.assign(env, asInstanceEnv(name, 'scayle', shop.emulator.connectionEnv(shop.server.origin)));
    }
    gateway = await startGateway(env);
  }, 60_000);
  afterAll(async () => {
    await gateway?.stop();
    await Promise.all(Object.values(shops).map((s) => s.server?.close()));
  });

  it('lists both instances, writes each to its own shop and refuses one shop’s cursor on the other', async () => {
    const backends = await (await fetch(`${gateway.origin}/v1/backends`)).json();
    expect(backends.items.map((b: { name: string; platform: string }) => `${b.name}:${b.platform}`)).toEqual([
      'brand-a:scayle',
      'brand-b:scayle',
    ]);
    for (const name of ['brand-a', 'brand-b']) {
      for (const n of [1, 2]) {
        const res = await fetch(`${gateway.origin}/v1/backends/${name}/customers`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: `${name}-${n}-${run}@example.com`, lastName: `Shop${n}`, active: false }),
        });
        expect(res.status, await res.clone().text()).toBe(201);
      }
    }
    expect(stored('brand-a')).toContain(`brand-a-1-${run}`);
    expect(stored('brand-a')).not.toContain(`brand-b-1-${run}`);
    expect(stored('brand-b')).toContain(`brand-b-1-${run}`);
    const page = await (await fetch(`${gateway.origin}/v1/backends/brand-a/customers?limit=1`)).json();
    const foreign = await fetch(
      `${gateway.origin}/v1/backends/brand-b/customers?limit=1&cursor=${page.page.nextCursor}`,
    );
    expect(foreign.status).toBe(400);
  });

  it('npm run migrate -- --from brand-a --to brand-b copies brand-a’s customers into brand-b’s shop', async () => {
    const result = await runScript('migrate', ['--from', 'brand-a', '--to', 'brand-b'], env);
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    expect(result.stdout).toMatch(/2 read, 2 created, 0 skipped, 0 failed/);
    for (const n of [1, 2]) expect(stored('brand-b')).toContain(`brand-a-${n}-${run}`);
    // Through the gateway: brand-b now finds them by the reference the migration set (`brand-a:<id>`).
    const gw = buildGateway('brand-b', { ...env, LOG_LEVEL: 'silent' });
    const migrated = await gw.call('GET', `/customers?email=brand-a-1-${run}@example.com`);
    expect(migrated.body.items[0].externalRef).toMatch(/^brand-a:/);
  }, 60_000);
});
