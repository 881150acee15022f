import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

/** What `wrangler deploy` would upload (dry run: built, not uploaded), with the sizes wrangler reports. */
async function dryRun(outdir: string) {
  const { stdout } = await promisify(execFile)(join('node_modules', '.bin', 'wrangler'), ['deploy', '--dry-run', '--outdir', outdir], {
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true', NO_COLOR: '1' },
  });
  const sizes = /Total Upload:\s*([\d.]+)\s*KiB\s*\/\s*gzip:\s*([\d.]+)\s*KiB/.exec(stdout);
  expect(sizes, `wrangler's output names the sizes:\n${stdout}`).not.toBeNull();
  return { gzipKiB: Number(sizes![2]) };
}

describe('the production Worker bundle (wrangler deploy --dry-run)', () => {
  let outdir: string | undefined;
  afterAll(async () => outdir && rm(outdir, { recursive: true, force: true }));

  it('is at most 250 KiB gzip', async () => {
    outdir = await mkdtemp(join(tmpdir(), 'gateway-bundle-'));
    expect((await dryRun(outdir)).gzipKiB).toBeLessThanOrEqual(250);
  }, 120_000);
});
