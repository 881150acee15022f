/**
 * `npx tsx bench/gc.ts <variant> …`: what each request costs the garbage collector, from V8's own
 * `--trace-gc-nvp` lines over SIDE_SECONDS (6) of load after a 3 s warm-up: bytes allocated, bytes
 * that outlived a scavenge and bytes promoted, per request, and the main thread's scavenge and
 * mark-compact pauses per request. Variants as in `bench/side-by-side.ts` (`variantProcess`):
 * `dist/node` (a build), a `.ts` server (`bench/peers/hono-ky.ts`) or `scripts/start.mjs` (what `npm
 * start` runs), with `+v8-flag` and `@VAR=value`. Every variant gets npm start's V8 flags
 * (package.json's start command) first (`+allocation-site-pretenuring` turns that one back on). SIDE_PATH picks the route (GET one
 * customer with addresses; `/health` shows the per-request machinery alone), SIDE_BODY a JSON
 * body to POST there instead.
 *
 * What it is for: an object that dies with its request should never outlive a scavenge (they come
 * every ~40 ms under load, a request takes a few). Bytes that do are copied, promoted and left for
 * a full GC, and they make the GC pauses the p99 is built from. Survivors that nothing holds at a
 * heap snapshot are kept by a dead old object pointing at them: RequestCall in
 * src/middleware/request-context.ts and the pretenuring flag on npm start's command are the two
 * cases this tool found.
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { gatewayEnvFor } from './fixture/scayle-upstream-config.js';
import { freePort, npmStartNodeOptions, startTsServer, variantProcess } from './lib/processes.js';

const seconds = Number(process.env.SIDE_SECONDS ?? 6);
const path = process.env.SIDE_PATH ?? '/v1/customers/4711?expand=addresses';
// SIDE_BODY: a JSON body POSTed to SIDE_PATH instead of GETs (e.g. a registration to /v1/customers).
const load = process.env.SIDE_BODY
  ? { method: 'POST' as const, body: process.env.SIDE_BODY, headers: { 'content-type': 'application/json' } }
  : {};
const specs = process.argv.slice(2);
if (specs.length === 0) {
  console.error('usage: npx tsx bench/gc.ts <dir|server.ts>[@VAR=value…] …');
  process.exit(2);
}

const upstream = await startTsServer('fixture upstream', 'bench/fixture/scayle-upstream.ts', {});
try {
  for (const spec of specs) {
    // The V8 flags of npm start's command, so a build or a peer collects as it would under `npm start`.
    const { args, env } = variantProcess(spec, [...npmStartNodeOptions(), '--trace-gc-nvp']);
    const port = await freePort();
    const server = spawn(process.execPath, args, {
      env: { ...process.env, PORT: String(port), ...gatewayEnvFor(upstream.origin), ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let trace = '';
    server.stdout!.on('data', (chunk: Buffer) => (trace += chunk));
    const exited = new Promise((resolve) => server.once('exit', resolve));
    try {
      const url = `http://127.0.0.1:${port}${path}`;
      for (
        let tries = 0;
        !(await fetch(url).then(
          () => true,
          () => false,
        ));
        tries++
      ) {
        if (tries > 500 || server.exitCode !== null) throw new Error(`${spec} did not answer`);
        await new Promise((r) => setTimeout(r, 20));
      }
      await autocannon({ url, connections: 16, duration: 3, ...load }); // warm-up: JIT, pools, heap sizes
      const from = trace.length;
      const result = await autocannon({ url, connections: 16, duration: seconds, ...load });
      const lines = trace
        .slice(from)
        .split('\n')
        .filter((line) => line.includes('pause='));
      const sum = (of: string[], field: string) =>
        of.reduce((total, line) => total + Number(new RegExp(`\\b${field}=([0-9.]+)`).exec(line)?.[1] ?? 0), 0);
      const scavenges = lines.filter((line) => / gc=s\b/.test(line));
      const fullGcs = lines.filter((line) => / gc=mc\b/.test(line));
      const n = result.requests.total;
      const kb = (bytes: number) => `${(bytes / n / 1024).toFixed(1)} KB`;
      const us = (ms: number) => `${((ms / n) * 1000).toFixed(1)} µs`;
      console.log(
        `${spec}: ${Math.round(result.requests.average)} req/s; per request: allocated ${kb(sum(lines, 'allocated'))}, ` +
          `outlived a scavenge ${kb(sum(scavenges, 'new_space_survived'))}, promoted ${kb(sum(lines, 'promoted'))}; ` +
          `${scavenges.length} scavenges (${us(sum(scavenges, 'pause'))}), ${fullGcs.length} full GCs (${us(sum(fullGcs, 'pause'))})`,
      );
    } finally {
      if (server.exitCode === null && server.signalCode === null) server.kill('SIGTERM');
      await exited;
    }
  }
} finally {
  await upstream.stop();
}
