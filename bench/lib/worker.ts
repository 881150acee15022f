import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { Miniflare } from 'miniflare';

export interface WorkerBundle {
  outdir: string;
  uploadKiB: number;
  gzipKiB: number;
  /** worker.js alone (the code); the upload holds nothing else since Swagger UI became static assets. */
  codeGzipKiB: number;
}

/**
 * The production Worker bundle as `wrangler deploy --dry-run` builds it (the top-level environment:
 * no embedded emulators), with the sizes wrangler reports: `gzipKiB` is the whole upload.
 */
export async function buildWorker(): Promise<WorkerBundle> {
  const outdir = await mkdtemp(join(tmpdir(), 'gateway-worker-'));
  const { stdout } = await promisify(execFile)(
    join('node_modules', '.bin', 'wrangler'),
    ['deploy', '--dry-run', '--env', '', '--outdir', outdir],
    {
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true', NO_COLOR: '1' },
    },
  );
  const sizes = /Total Upload:\s*([\d.]+)\s*KiB\s*\/\s*gzip:\s*([\d.]+)\s*KiB/.exec(stdout);
  if (!sizes) throw new Error(`wrangler did not report the bundle size:\n${stdout}`);
  const codeGzipKiB = Math.round((gzipSync(await readFile(join(outdir, 'worker.js'))).length / 1024) * 100) / 100;
  return { outdir, uploadKiB: Number(sizes[1]), gzipKiB: Number(sizes[2]), codeGzipKiB };
}

/**
 * A fresh workerd isolate (Miniflare) running the bundle with `bindings`: how long until it is
 * ready, and how long its first request (module evaluation, app construction, the upstream call)
 * and a second one take.
 */
export async function firstRequestLatency(bundle: WorkerBundle, bindings: Record<string, string>, path: string) {
  const toml = await readFile('wrangler.toml', 'utf8');
  const started = performance.now();
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(bundle.outdir, 'worker.js'),
    modulesRoot: bundle.outdir,
    // wrangler.toml's [assets] in front of the Worker, as on Cloudflare (and test/e2e/workerd.ts).
    assets: {
      directory: resolve(/^\[assets\]\s*\ndirectory\s*=\s*"([^"]+)"/m.exec(toml)![1]!),
      routerConfig: { has_user_worker: true },
    },
    compatibilityDate: /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)![1]!,
    compatibilityFlags: JSON.parse(/^compatibility_flags\s*=\s*(\[.*\])/m.exec(toml)![1]!) as string[],
    bindings,
    handleRuntimeStdio: (stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream) => {
      stdout.resume();
      stderr.resume();
    },
  });
  try {
    await mf.ready;
    const readyMs = performance.now() - started;
    const timed = async () => {
      const t = performance.now();
      const response = await mf.dispatchFetch(`http://gateway.test${path}`);
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`the Worker answered ${response.status} to ${path}`);
      return performance.now() - t;
    };
    const firstMs = await timed();
    const secondMs = await timed();
    return { readyMs, firstMs, secondMs };
  } finally {
    await mf.dispose();
    await rm(bundle.outdir, { recursive: true, force: true });
  }
}
