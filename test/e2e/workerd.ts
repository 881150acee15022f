import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Miniflare } from 'miniflare';

/**
 * The Worker as Cloudflare would run it: bundled by wrangler exactly as `wrangler deploy` would
 * (dry run, nothing uploaded), then served by workerd through Miniflare, locally, no network, with
 * wrangler.toml's static assets in front of it as on Cloudflare. `demo` builds the zero-config demo
 * (`--env demo`, the embedded emulators); otherwise the production Worker (`--env ""`).
 * Everything the Worker prints (its log lines) is collected in `output`.
 */
export async function startWorker(
  bindings: Record<string, string>,
  options: {
    demo?: boolean;
    durableObjects?: Record<string, string>;
    /** Queue producer bindings of the gateway, e.g. { EVENTS_QUEUE: { queueName: 'events' } }. */
    queueProducers?: Record<string, { queueName: string }>;
    /** More Workers beside the gateway (e.g. a queue consumer), reachable with `worker(name)`. */
    workers?: Record<string, unknown>[];
  } = {},
) {
  const outdir = await mkdtemp(join(tmpdir(), 'gateway-worker-'));
  await promisify(execFile)(
    join('node_modules', '.bin', 'wrangler'),
    ['deploy', '--dry-run', '--env', options.demo ? 'demo' : '', '--outdir', outdir],
    {
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true', NO_COLOR: '1' },
    },
  );
  // Run it with the same runtime settings wrangler.toml gives it in production.
  const toml = await readFile('wrangler.toml', 'utf8');
  const compatibilityDate = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(toml)![1]!;
  const compatibilityFlags = JSON.parse(/^compatibility_flags\s*=\s*(\[.*\])/m.exec(toml)![1]!) as string[];
  // [assets]: the directory wrangler's [build] just wrote (Swagger UI's files for /docs).
  const assetsDirectory = resolve(/^\[assets\]\s*\ndirectory\s*=\s*"([^"]+)"/m.exec(toml)![1]!);
  const output: string[] = [];
  const collect = (stream: NodeJS.ReadableStream) =>
    stream.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  const gateway = {
    modules: true,
    scriptPath: join(outdir, 'worker.js'),
    modulesRoot: outdir,
    assets: { directory: assetsDirectory, routerConfig: { has_user_worker: true } },
    compatibilityDate,
    compatibilityFlags,
    bindings,
    ...(options.durableObjects ? { durableObjects: options.durableObjects } : {}),
    ...(options.queueProducers ? { queueProducers: options.queueProducers } : {}),
  };
  const handleRuntimeStdio = (stdout: NodeJS.ReadableStream, stderr: NodeJS.ReadableStream) => {
    collect(stdout);
    collect(stderr);
  };
  const mf = new Miniflare(
    options.workers
      ? ({ workers: [{ name: 'gateway', ...gateway }, ...options.workers], handleRuntimeStdio } as never)
      : { ...gateway, handleRuntimeStdio },
  );
  const url = await mf.ready;
  return {
    output,
    /** Where Miniflare serves the Worker over HTTP on loopback (for a browser). */
    origin: url.origin,
    /** A Durable Object namespace of the Worker, usable from Node (Miniflare proxies the calls into workerd). */
    durableObjectNamespace: (binding: string) => mf.getDurableObjectNamespace(binding),
    fetch: (path: string, init?: RequestInit) => mf.dispatchFetch(`http://gateway.test${path}`, init as never),
    /** Another Worker of this Miniflare (its fetch, scheduled and queue handlers), or the gateway. */
    worker: (name?: string) => mf.getWorker(name),
    async dispose() {
      await mf.dispose();
      await rm(outdir, { recursive: true, force: true });
    },
  };
}
