import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';

const KiB = 1024;

describe('the production Worker bundle (wrangler deploy --dry-run)', () => {
  let outdir: string | undefined;
  afterAll(async () => outdir && rm(outdir, { recursive: true, force: true }));

  // Issue 10's target is 250 KiB gzip for the whole upload; `npm run bench:compare` checks that and
  // reports the miss since Swagger UI's assets (~490 KiB gzip) became text modules and sessions
  // (jose) landed. This guards the code against growing further: 255 KiB when it was written.
  it("keeps the Worker's code (worker.js) at most 260 KiB gzip", async () => {
    outdir = await mkdtemp(join(tmpdir(), 'gateway-bundle-'));
    const { stdout } = await promisify(execFile)(join('node_modules', '.bin', 'wrangler'), ['deploy', '--dry-run', '--outdir', outdir], {
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true', NO_COLOR: '1' },
    });
    expect(stdout).toMatch(/Total Upload:\s*[\d.]+\s*KiB\s*\/\s*gzip:\s*[\d.]+\s*KiB/);
    // worker.js is the code wrangler bundled (the gateway, its dependencies, the lazily evaluated
    // emulators); the other files are `[[rules]]` text modules such as Swagger UI's assets.
    const code = gzipSync(await readFile(join(outdir, 'worker.js'))).length / KiB;
    expect(code).toBeLessThanOrEqual(260);
    const modules = (await readdir(outdir)).filter((f) => !f.endsWith('.map') && f !== 'README.md');
    expect(modules).toContain('worker.js');
  }, 120_000);
});
