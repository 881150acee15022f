import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createScayleEmulator } from '../../emulators/scayle/index.js';
import { exportXml, fakeHash } from './export-fixture.js';
import { serveWithHook, startMigrate } from './process.js';

describe('npm run migrate -- --from sfcc-export:<file> (HTTP-served SCAYLE)', () => {
  const scayle = createScayleEmulator({ seed: false });
  const served = serveWithHook(scayle, {});
  afterAll(async () => (await served).close());

  it('keeps passwords as hashes on SCAYLE and writes them nowhere else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'migrate-export-'));
    const file = join(dir, 'customer-list.xml');
    const hashes = ['ana', 'ben', 'cleo'].map(fakeHash);
    writeFileSync(
      file,
      exportXml(
        ['ana', 'ben', 'cleo'].map((name, i) => ({
          no: `0000010${i}`,
          email: `${name}@example.com`,
          lastName: name.toUpperCase(),
          hash: hashes[i],
          addresses: [
            {
              id: 'home',
              line1: `Ringstraße ${i + 1}`,
              city: 'Wien',
              postalCode: '1010',
              country: 'AT',
              preferred: true,
            },
          ],
        })),
        'customer-list',
      ),
    );
    const files = { state: join(dir, 'state.json'), json: join(dir, 'report.json'), html: join(dir, 'report.html') };

    const run = await startMigrate(
      [
        '--from',
        `sfcc-export:${file}`,
        '--to',
        'scayle',
        '--omit',
        'login',
        '--state',
        files.state,
        '--report',
        files.json,
        '--report',
        files.html,
      ],
      { ...(await served).env, LOG_LEVEL: 'debug' },
    ).done;
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /sfcc-export → scayle: 3 read, 3 created, 0 skipped, 0 failed, 0 need a password reset, 3 kept their password/,
    );
    for (const [i, name] of ['ana', 'ben', 'cleo'].entries()) {
      const customer = scayle.backdoor.readCustomer(`${name}@example.com`)!;
      expect(customer).toMatchObject({ referenceKey: `sfcc-export:0000010${i}`, hasPassword: true });
      expect(scayle.backdoor.readCredential(customer.id)).toEqual({
        hashingType: 'salesforce',
        hash: hashes[i],
        source: 'password-hash',
      });
    }
    // Not in the logs (debug level), the reports or the state file.
    const written = [run.stdout, run.stderr, ...Object.values(files).map((f) => readFileSync(f, 'utf8'))];
    for (const hash of hashes) for (const text of written) expect(text).not.toContain(hash);
    expect(readFileSync(files.html, 'utf8')).toMatch(/<svg id="throughput"/);
  }, 60_000);

  it('a resume point taken in one export file is refused for another, and nothing is read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'migrate-export-'));
    const exportOf = (prefix: string) =>
      exportXml(
        Array.from({ length: 4 }, (_, i) => ({
          no: `${prefix}0${i}`,
          email: `${prefix}-${i}@example.com`,
          lastName: `${prefix.toUpperCase()}${i}`,
          addresses: [],
        })),
        'customer-list',
      );
    const [a, b] = [join(dir, 'a.xml'), join(dir, 'b.xml')];
    writeFileSync(a, exportOf('resa'));
    writeFileSync(b, exportOf('resb'));
    const state = join(dir, 'state.json');
    const env = (await served).env;
    const args = (file: string) => [
      '--from',
      `sfcc-export:${file}`,
      '--to',
      'scayle',
      '--omit',
      'login',
      '--state',
      state,
    ];
    const first = await startMigrate([...args(a), '--batch-size', '2', '--max', '2'], env).done;
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(JSON.parse(readFileSync(state, 'utf8')).inProgress).toBeDefined();
    const other = await startMigrate([...args(b), '--batch-size', '2'], env).done;
    expect(other.code, other.stdout).toBe(2);
    expect(other.stderr + other.stdout).toMatch(/resume point was taken reading another export file/);
    expect(scayle.backdoor.readAll().filter((c) => c.email.startsWith('resb-'))).toEqual([]);
    // The same export resumes where it stopped, also copied elsewhere (another path and time).
    const moved = join(dir, 'moved');
    mkdirSync(moved, { recursive: true });
    copyFileSync(a, join(moved, 'a.xml'));
    const rest = await startMigrate([...args(join(moved, 'a.xml')), '--batch-size', '2'], env).done;
    expect(rest.code, rest.stdout + rest.stderr).toBe(0);
    expect(scayle.backdoor.readAll().filter((c) => c.email.startsWith('resa-'))).toHaveLength(4);
  });
});
