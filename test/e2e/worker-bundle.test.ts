import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

interface Metafile {
  outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
}

describe('the production Worker bundle (wrangler deploy --dry-run)', () => {
  let outdir: string | undefined;
  afterAll(async () => outdir && rm(outdir, { recursive: true, force: true }));

  // Issue 10: the whole upload ≤ 250 KiB gzip (215 KiB when this was written). Swagger UI's files
  // are static assets and the embedded emulators are left out of this build (wrangler.toml).
  it('uploads at most 250 KiB gzip: no Swagger UI, no embedded emulators', async () => {
    outdir = await mkdtemp(join(tmpdir(), 'gateway-bundle-'));
    const metafile = join(outdir, 'meta.json');
    const { stdout } = await promisify(execFile)(
      join('node_modules', '.bin', 'wrangler'),
      ['deploy', '--dry-run', '--env', '', '--outdir', join(outdir, 'upload'), '--metafile', metafile],
      {
        env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true', NO_COLOR: '1' },
      },
    );
    const total = /Total Upload:\s*[\d.]+\s*KiB\s*\/\s*gzip:\s*([\d.]+)\s*KiB/.exec(stdout);
    expect(total, stdout).not.toBeNull();
    expect(Number(total![1])).toBeLessThanOrEqual(250);

    // The upload is the code alone: no module beside worker.js (Swagger UI's were text modules).
    const modules = (await readdir(join(outdir, 'upload'))).filter((f) => !f.endsWith('.map') && f !== 'README.md');
    expect(modules).toEqual(['worker.js']);
    // What esbuild put into worker.js: nothing from swagger-ui-dist, no emulator or its demo data.
    const { outputs } = JSON.parse(await readFile(metafile, 'utf8')) as Metafile;
    const bundled = Object.values(outputs).flatMap((o) =>
      Object.entries(o.inputs)
        .filter(([, i]) => i.bytesInOutput > 0)
        .map(([path]) => path),
    );
    expect(bundled.some((path) => path.startsWith('src/'))).toBe(true);
    expect(bundled.filter((path) => path.includes('swagger-ui-dist/'))).toEqual([]);
    // (env.ts parses EMULATOR_FAULTS with emulators/shared/faults.ts: a few hundred bytes.)
    expect(bundled.filter((path) => /^emulators\/(?!shared\/)/.test(path) || path === 'src/embedded.ts')).toEqual([]);
    // zod's locales: English only (wrangler.toml [alias], src/runtime/zod-english-only.ts).
    expect(bundled.filter((path) => path.includes('zod/v4/locales/'))).toEqual(['node_modules/zod/v4/locales/en.js']);
    // Nor its JSON Schema → zod converter (wrangler.toml [alias], src/runtime/zod-without-from-json-schema.ts).
    expect(bundled.filter((path) => path.includes('zod/v4/classic/from-json-schema'))).toEqual([]);
    // The OpenTelemetry API's ES module build, not its CommonJS one (wrangler.toml [alias]).
    const otelApi = bundled.filter((path) => path.startsWith('node_modules/@opentelemetry/api/'));
    expect(otelApi.length).toBeGreaterThan(0);
    expect(otelApi.filter((path) => !path.startsWith('node_modules/@opentelemetry/api/build/esm/'))).toEqual([]);
  }, 120_000);
});
