import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createScayleEmulator } from '../../emulators/scayle/index.js';
import { createSfccEmulator, type SfccCustomerSeed } from '../../emulators/sfcc/index.js';
import { serveWithHook, startMigrate, type RequestHook } from './process.js';

/** Six shoppers with two addresses each; every third one disabled (SCAYLE needs a status PUT for those). */
const shoppers: SfccCustomerSeed[] = Array.from({ length: 6 }, (_, i) => ({
  customer: {
    login: `shopper${i}@example.com`,
    email: `shopper${i}@example.com`,
    last_name: `Shopper${i}`,
    first_name: 'Kim',
    c_externalRef: `K-${i}`,
    enabled: i % 3 !== 1,
  },
  addresses: ['home', 'work'].map((name, n) => ({
    address_id: name,
    first_name: 'Kim',
    last_name: `Shopper${i}`,
    address1: `Hauptstraße ${i * 10 + n + 1}`,
    city: 'Berlin',
    postal_code: `1011${n}`,
    country_code: 'DE',
    preferred: n === 0,
  })),
}));

/** Where each run is killed: the nth request matching, counted from that run's start; `lands` lets the request still reach the emulator. */
const killPoints = [
  {
    what: 'a customer POST that lands (customer without addresses)',
    method: 'POST',
    path: /\/customers$/,
    nth: 2,
    lands: true,
  },
  {
    what: 'an address POST that lands (half the address book)',
    method: 'POST',
    path: /\/addresses$/,
    nth: 3,
    lands: true,
  },
  {
    what: 'a status PUT that never arrives (active where it should not be)',
    method: 'PUT',
    path: /\/status$/,
    nth: 1,
    lands: false,
  },
  { what: 'a lookup between two customers', method: 'GET', path: /key%3DK-/, nth: 2, lands: false },
];

describe('a migration killed at any point (SIGKILL), then resumed', () => {
  const sfcc = createSfccEmulator({ seed: false });
  sfcc.backdoor.seed(shoppers);
  const scayle = createScayleEmulator({ seed: false });
  const hook: { current?: RequestHook } = {};
  const servers = Promise.all([serveWithHook(sfcc, {}), serveWithHook(scayle, hook)]);
  afterAll(async () => Promise.all((await servers).map((s) => s.close())));

  it('leaves no duplicate, missing or incomplete customer on the target', async () => {
    const [source, target] = await servers;
    const dir = mkdtempSync(join(tmpdir(), 'migrate-crash-'));
    const state = join(dir, 'state.json');
    const outcomes = join(dir, 'run.json');
    const args = ['--from', 'sfcc', '--to', 'scayle', '--omit', 'login', '--batch-size', '2', '--state', state];
    const reported = [...args, '--report', outcomes];
    let said = '';
    const env = { ...source.env, ...target.env };

    for (const point of killPoints) {
      const run = startMigrate(reported, env);
      let seen = 0;
      hook.current = async (request) => {
        if (request.method !== point.method || !point.path.test(request.url) || ++seen !== point.nth) return;
        run.kill();
        await run.done;
        if (!point.lands) return new Response(null, { status: 503 });
      };
      const ended = await run.done;
      said += ended.stdout;
      expect(ended.signal, `${point.what}: ${ended.code} ${ended.stdout} ${ended.stderr}`).toBe('SIGKILL');
      hook.current = undefined;
      // The position is on disk, whole, whenever the process dies.
      expect(() => JSON.parse(readFileSync(state, 'utf8'))).not.toThrow();
    }

    const last = await startMigrate(reported, env).done;
    said += last.stdout;
    expect(last.code, last.stdout + last.stderr).toBe(0);
    expect(JSON.parse(readFileSync(state, 'utf8')).inProgress).toBeUndefined();
    // What the killed runs had reported is kept beside the report, private; no spool is left behind.
    const files = readdirSync(dir);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const kept = files.filter((f) => /^run\.json\.interrupted-\d+\.json$/.test(f));
    expect(kept.length, files.join(' ')).toBeGreaterThan(0);
    // Said by each run that kept a killed one's rows (a run killed before its first row left none).
    expect(said).toContain('the outcomes of an interrupted run that wrote');
    const keptRows = kept.flatMap((f) => {
      expect(statSync(join(dir, f)).mode & 0o077).toBe(0);
      return JSON.parse(readFileSync(join(dir, f), 'utf8')).customers as { sourceId: string; outcome: string }[];
    });
    expect(keptRows.length).toBeGreaterThan(0);
    for (const row of keptRows)
      expect(row).toMatchObject({ sourceId: expect.any(String), outcome: expect.any(String) });
    // Every customer is in a report: the killed runs' (kept) or the last one's (it resumed after them).
    const finalRows = JSON.parse(readFileSync(outcomes, 'utf8')).customers as { email: string }[];
    const reportedEmails = new Set([...(keptRows as { email?: string }[]), ...finalRows].map((row) => row.email));
    expect(shoppers.map((s) => s.customer.email).filter((email) => !reportedEmails.has(email))).toEqual([]);

    const held = scayle.backdoor.readAll();
    expect(held.map((c) => c.referenceKey).sort()).toEqual(shoppers.map((s) => s.customer.c_externalRef).sort());
    for (const shopper of shoppers) {
      const customer = held.find((c) => c.referenceKey === shopper.customer.c_externalRef)!;
      expect(customer.addresses.map((a) => `${a.street} ${a.houseNumber}`).sort(), shopper.customer.email).toEqual(
        shopper.addresses!.map((a) => a.address1).sort(),
      );
      expect(customer.status.isActive, shopper.customer.email).toBe(shopper.customer.enabled);
    }

    // A nightly delta: --since last takes the start of the completed run (the first, killed, one).
    sfcc.backdoor.seed([
      {
        customer: { login: 'late@example.com', email: 'late@example.com', last_name: 'Late', c_externalRef: 'K-late' },
      },
    ]);
    const delta = await startMigrate([...args, '--since', 'last'], env).done;
    expect(delta.stdout, delta.stderr).toMatch(/sfcc → scayle: 1 read, 1 created, 0 skipped/);
    expect(scayle.backdoor.readCustomer('late@example.com')).toMatchObject({ referenceKey: 'K-late' });

    // verify, as a user runs it: the copy matches; a customer the source does not have makes it exit 1.
    scayle.backdoor.seed([{ email: 'walk-in@example.com', lastName: 'Walk-In' }]);
    const report = join(dir, 'reconciliation.json');
    const verified = await startMigrate(
      ['verify', '--from', 'sfcc', '--to', 'scayle', '--omit', 'login', '--report', report],
      env,
    ).done;
    expect(verified.code, verified.stderr).toBe(1);
    expect(verified.stdout).toMatch(
      /verify sfcc → scayle: 7 checked, 7 matched, 0 differing, 0 missing on the target, 1 extra on the target/,
    );
    expect(JSON.parse(readFileSync(report, 'utf8')).customers).toEqual([
      expect.objectContaining({ outcome: 'extra', email: 'walk-in@example.com' }),
    ]);
  }, 120_000);
});
