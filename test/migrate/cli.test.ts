import { execFileSync } from 'node:child_process';
import {
  closeSync,
  constants,
  createReadStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCAYLE_EMULATOR_TOKEN } from '../../emulators/scayle/index.js';
import { runScript } from '../e2e/support.js';

/**
 * `npm run migrate` as a user runs it (package.json's command, env only): a separate process, its
 * exit status and its files. The memory backend seeds its demo shoppers; SCAYLE runs on its
 * embedded emulator.
 */
async function runMigrate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { code, stdout, stderr } = await runScript('migrate', args, {});
  return { code: code ?? -1, stdout, stderr };
}

describe('npm run migrate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'migrate-cli-'));

  it('exits 1 when a customer failed, and writes a report without credentials', async () => {
    const report = join(dir, 'report.json');
    const run = await runMigrate(['--from', 'memory', '--to', 'scayle', '--report', report]);
    expect(run.code).toBe(1);
    // The SCAYLE demo data already holds max.mustermann@example.de: a conflict, reported, not fatal.
    expect(run.stdout).toMatch(/3 read, 2 created, 0 skipped, 1 failed/);
    expect(run.stdout).toMatch(/failed .*max\.mustermann@example\.de.*conflict/);
    const text = readFileSync(report, 'utf8');
    expect(text).not.toContain(SCAYLE_EMULATOR_TOKEN);
    expect(JSON.parse(text).customers.map((c: { outcome: string }) => c.outcome)).toEqual([
      'created',
      'failed',
      'created',
    ]);
    // The outcomes were streamed through a spool file beside the report, which is gone once the report is whole.
    expect(readdirSync(dir).filter((name) => name.includes('.tmp'))).toEqual([]);
  });

  it('saves the position when it stops at --max and keeps only the completed run once it is done', async () => {
    const state = join(dir, 'state.json');
    const first = await runMigrate(['--from', 'memory', '--to', 'scayle', '--max', '1', '--resume', state]);
    expect(first.code).toBe(0);
    expect(JSON.parse(readFileSync(state, 'utf8'))).toMatchObject({
      source: 'memory',
      target: 'scayle',
      inProgress: { position: null, skip: 1, done: 1 },
    });

    // Each process has its own embedded emulators, so only the position carries over here.
    const dry = await runMigrate(['--from', 'memory', '--to', 'scayle', '--dry-run', '--resume', state]);
    // The email SCAYLE already holds is found up front, so the dry run reports the conflict too.
    expect(dry.stdout).toMatch(/dry run: memory → scayle: 2 read, 1 would be created, 0 skipped, 1 failed/);
    expect(existsSync(state)).toBe(true);

    const rest = await runMigrate(['--from', 'memory', '--to', 'scayle', '--resume', state]);
    expect(rest.stdout).toMatch(/2 read/);
    const done = JSON.parse(readFileSync(state, 'utf8'));
    expect(done.inProgress).toBeUndefined();
    expect(Date.parse(done.lastCompleted.startedAt)).toBeLessThan(Date.parse(done.lastCompleted.finishedAt));
  }, 60_000);

  it('--report /dev/stdout: stdout is the JSON report alone, the customers streamed first; the summary on stderr', async () => {
    const run = await runMigrate(['--from', 'memory', '--to', 'scayle', '--report', '/dev/stdout']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(Object.keys(report)[0]).toBe('customers');
    expect(report.customers.map((c: { outcome: string }) => c.outcome).sort()).toEqual([
      'created',
      'created',
      'failed',
    ]);
    expect(report.counts).toMatchObject({ read: 3, created: 2, failed: 1 });
    expect(run.stderr).toMatch(/3 read, 2 created, 0 skipped, 1 failed/);
    expect(run.stderr).toContain('report written to /dev/stdout');
    // Nothing was spooled beside it (/dev is no place for a file with emails).
    expect(readdirSync('/dev').filter((name) => name.includes('customers.tmp'))).toEqual([]);
  });

  it('--report to a named pipe: its reader gets the whole JSON report, streamed; nothing spooled beside it', async () => {
    const pipe = join(dir, 'report.pipe');
    execFileSync('mkfifo', [pipe]);
    // A reader like `jq < report.pipe`: open before the writer, reading until the writer closes.
    const received = new Promise<string>((resolve, reject) => {
      let text = '';
      createReadStream(pipe, 'utf8')
        .on('data', (chunk) => (text += chunk))
        .on('end', () => resolve(text))
        .on('error', reject);
    });
    const run = await runMigrate(['--from', 'memory', '--to', 'scayle', '--report', pipe]);
    // Had the run never opened the pipe, the reader would wait in open() for ever: a writer of our
    // own lets it end (with nothing read). Once it has read the report, there is no reader: ENXIO.
    try {
      closeSync(openSync(pipe, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {}
    expect(run.code, run.stderr).toBe(1);
    const report = JSON.parse(await received);
    expect(Object.keys(report)[0]).toBe('customers');
    expect(report.counts).toMatchObject({ read: 3, created: 2, failed: 1 });
    expect(report.customers).toHaveLength(3);
    expect(run.stdout).toMatch(/3 read, 2 created, 0 skipped, 1 failed/);
    expect(readdirSync(dir).filter((name) => name.includes('.tmp'))).toEqual([]);
  });

  it('exits 2 on usage and configuration errors', async () => {
    const usage = await runMigrate(['--from', 'memory']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--from and --to are required/);
    const config = await runMigrate(['--from', 'memory', '--to', 'nowhere']);
    expect(config.code).toBe(2);
    expect(config.stderr).toMatch(/BACKENDS.*unknown backend "nowhere"/);
    const report = await runMigrate(['--from', 'memory', '--to', 'scayle', '--report', join(dir, 'missing', 'r.json')]);
    expect(report.code).toBe(2);
    expect(report.stderr).toMatch(/--report .* not writable/);
    // A directory where the report or the state file would go: refused before migrating anyone.
    mkdirSync(join(dir, 'a-directory'), { recursive: true });
    for (const option of ['--report', '--state']) {
      const taken = await runMigrate(['--from', 'memory', '--to', 'scayle', option, join(dir, 'a-directory')]);
      expect(taken.code, taken.stderr).toBe(2);
      expect(taken.stderr).toContain(`${option} ${join(dir, 'a-directory')}: exists and is a directory`);
      expect(taken.stdout).not.toMatch(/created/);
    }
  }, 60_000);
});
