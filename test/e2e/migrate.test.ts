import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildGateway } from '../conformance/harness.js';
import { e2ePlatforms, runScript, servePlatforms } from './support.js';

/**
 * `npm run migrate` as users run it (a child process, env only) between two platform emulators
 * served over HTTP on loopback: each platform is the source once and the target once.
 */
const pairs = e2ePlatforms.map((source, i) => [source, e2ePlatforms[(i + 1) % e2ePlatforms.length]!] as const);

describe.concurrent.each(pairs.map(([source, target]) => [source.name, target.name, source, target] as const))(
  'npm run migrate -- --from %s --to %s',
  (from, to, source, target) => {
    let platforms: Awaited<ReturnType<typeof servePlatforms>>;
    const run = `${Date.now().toString(36).slice(-4)}${from.slice(0, 2)}`;
    const customers = [1, 2].map((n) => ({
      email: `mig${n}-${run}@example.com`,
      firstName: 'Erika',
      lastName: `Mig${n}${run}`,
      // Passwords never leave a platform: Open2b takes a customer without one only when inactive.
      active: false,
      addresses: [
        {
          firstName: 'Erika',
          lastName: `Mig${n}${run}`,
          line1: `Line${n}${run} 7`,
          city: 'Berlin',
          postalCode: '10115',
          countryCode: 'DE',
          isDefaultBilling: true,
        },
      ],
    }));

    beforeAll(async () => {
      // Empty platforms: what arrives in the target can only come from this run.
      platforms = await servePlatforms([source, target], { seed: false });
      const sourceGateway = buildGateway(from, platforms.env);
      for (const customer of customers) {
        const created = await sourceGateway.call('POST', '/customers', customer);
        expect(created.status, JSON.stringify(created.body)).toBe(201);
      }
    });
    afterAll(async () => platforms?.close());

    it('copies customers and their addresses; a second run skips them all', async () => {
      const args = ['--from', from, '--to', to];
      let first = await runScript('migrate', args, platforms.env);
      // Platforms differ in what they can store: as a user would, take the --omit the run suggests.
      const suggested = /add: (--omit \S+)/.exec(first.stdout)?.[1];
      if (first.code === 1 && suggested) {
        expect(first.stdout).toMatch(/2 read, 0 created, 0 skipped, 2 failed/); // refused whole, nothing half-written
        args.push(...suggested.split(' '));
        first = await runScript('migrate', args, platforms.env);
      }
      expect(first.code, `${first.stdout}\n${first.stderr}`).toBe(0);
      expect(first.stdout).toMatch(/2 read, 2 created, 0 skipped, 0 failed/);
      const stored = await platforms.served.find((s) => s.platform === target)!.stored();
      for (const [n, customer] of customers.entries()) {
        expect(stored).toContain(customer.email);
        expect(stored).toContain(`Line${n + 1}${run}`);
      }

      const second = await runScript('migrate', args, platforms.env);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toMatch(/2 read, 0 created, 2 skipped, 0 failed/);
    }, 180_000); // up to three child processes each, on a shared 2-core machine
  },
);

/**
 * `--since last` through `npm run migrate` with a state file, SFCC → SCAYLE over HTTP: a customer
 * with a mobile number SCAYLE cannot store fails until the run is given the `--omit` it suggests.
 * The next delta run reads only that customer again, by id, not the whole source, and with the
 * `--omit` creates it: unchanged at the source, no listing would have brought it.
 */
describe('npm run migrate -- --since last: what the last run left failed is tried again by id', () => {
  const pair = ['sfcc', 'scayle'].map((name) => e2ePlatforms.find((p) => p.name === name)!);
  let platforms: Awaited<ReturnType<typeof servePlatforms>>;
  const state = join(mkdtempSync(join(tmpdir(), 'migrate-since-')), 'state.json');
  const tag = Date.now().toString(36);
  beforeAll(async () => {
    platforms = await servePlatforms(pair, { seed: false });
  });
  afterAll(async () => platforms?.close());

  it('reads the failed customer alone, and creates it once the run can', async () => {
    const gateway = buildGateway('sfcc', platforms.env);
    for (const [name, phones] of [
      ['plain', undefined],
      ['mobile', { mobile: '+49 170 1234567' }],
    ] as const) {
      const created = await gateway.call('POST', '/customers', {
        email: `${name}-${tag}@example.com`,
        lastName: `Since${name}`,
        ...(phones ? { phones } : {}),
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
    }
    // The runs' listings start after these writes.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const args = ['--from', 'sfcc', '--to', 'scayle', '--state', state];
    const first = await runScript('migrate', args, platforms.env);
    expect(first.stdout).toMatch(/2 read, 1 created, 0 skipped, 1 failed/);
    expect(first.stdout).toContain('the next --since last tries the 1 failed customers again by id');
    const omit = /add: (--omit \S+)/.exec(first.stdout)?.[1]?.split(' ');
    expect(omit).toBeDefined();

    const delta = await runScript('migrate', [...args, '--since', 'last'], platforms.env);
    expect(delta.stderr).toContain('1 customers the last run left failed are tried again first, by id');
    expect(delta.stdout).toMatch(/1 read, 0 created, 0 skipped, 1 failed/);

    const fixed = await runScript('migrate', [...args, '--since', 'last', ...omit!], platforms.env);
    expect(fixed.code, `${fixed.stdout}\n${fixed.stderr}`).toBe(0);
    expect(fixed.stdout).toMatch(/1 read, 1 created, 0 skipped, 0 failed/);
    const stored = await platforms.served.find((s) => s.platform.name === 'scayle')!.stored();
    expect(stored.match(new RegExp(`mobile-${tag}@example\\.com`, 'g'))).toHaveLength(1);
  }, 120_000);

  it('a delta run stopped mid-retry and resumed does not try a retried customer again when the listing brings it', async () => {
    const gateway = buildGateway('sfcc', platforms.env);
    const again = `again-${tag}`;
    const ids: string[] = [];
    for (const name of ['a', 'b']) {
      const created = await gateway.call('POST', '/customers', {
        email: `${name}-${again}@example.com`,
        lastName: `Again${name}`,
        phones: { mobile: '+49 170 7654321' },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      ids.push((created.body as { id: string }).id);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const state2 = join(mkdtempSync(join(tmpdir(), 'migrate-again-')), 'state.json');
    const args = ['--from', 'sfcc', '--to', 'scayle', '--state', state2];
    const first = await runScript('migrate', args, platforms.env);
    const omit = /add: (--omit \S+)/.exec(first.stdout)?.[1]?.split(' ');
    expect(omit, first.stdout).toBeDefined();

    // Stopped after the first of the two retries...
    const part = await runScript('migrate', [...args, '--since', 'last', '--max', '1', ...omit!], platforms.env);
    expect(part.stdout, part.stderr).toMatch(/1 read, 1 created, 0 skipped, 0 failed/);
    // ...that customer (the state file names it) changes at the source, so the resumed part's
    // listing brings it...
    const [retried] = JSON.parse(readFileSync(state2, 'utf8')).inProgress.retried as string[];
    expect(ids).toContain(retried);
    const changed = await gateway.call('PATCH', `/customers/${retried}`, { firstName: 'Changed' });
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    // ...and the resumed part tries only the second, once.
    const rest = await runScript('migrate', [...args, '--since', 'last', ...omit!], platforms.env);
    expect(rest.code, `${rest.stdout}\n${rest.stderr}`).toBe(0);
    expect(rest.stdout).toMatch(/1 read, 1 created, 0 skipped, 0 failed/);
    const stored = await platforms.served.find((s) => s.platform.name === 'scayle')!.stored();
    for (const name of ['a', 'b'])
      expect(stored.match(new RegExp(`${name}-${again}@example\\.com`, 'g'))).toHaveLength(1);
  }, 120_000);
});
