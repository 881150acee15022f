/**
 * `npx tsx bench/profile.ts`: a CPU profile of the gateway (`npm start` with its V8 flags, --cpu-prof)
 * under BENCH_SECONDS (8) of GET customer with addresses against the fixture upstream, summarised
 * as self time per package and per function. For finding what dominates; not a benchmark.
 * PROFILE_SCENARIO=register profiles POST register instead; PROFILE_WEBHOOK=1 turns change events
 * on, delivered to bench/fixture/webhook-receiver.ts (issue 23's cost).
 */
import autocannon from 'autocannon';
import { execSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatewayEnvFor } from './fixture/scayle-upstream-config.js';
import { freePort, npmStartNodeOptions, startTsServer } from './lib/processes.js';
import { registrations } from './lib/registrations.js';
import { BENCH_WEBHOOK_SECRET } from './fixture/webhook-secret.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const register = process.env.PROFILE_SCENARIO === 'register';
const upstream = await startTsServer('fixture upstream', 'bench/fixture/scayle-upstream.ts', {});
const receiver =
  process.env.PROFILE_WEBHOOK === '1'
    ? await startTsServer('webhook receiver', 'bench/fixture/webhook-receiver.ts', {})
    : undefined;
const webhookEnv = receiver
  ? {
      WEBHOOK_URLS: `${receiver.origin}/hooks`,
      WEBHOOK_SECRET: BENCH_WEBHOOK_SECRET,
    }
  : {};
const dir = mkdtempSync(join(tmpdir(), 'gateway-profile-'));
const port = await freePort();
execSync('node scripts/build.mjs', { stdio: 'inherit' });
const gateway = spawn(
  process.execPath,
  [...npmStartNodeOptions(), '--cpu-prof', `--cpu-prof-dir=${dir}`, '--enable-source-maps', 'scripts/start.mjs'],
  {
    env: {
      ...process.env,
      PORT: String(port),
      ...gatewayEnvFor(upstream.origin, process.env.LOG_LEVEL ?? 'info'),
      ...webhookEnv,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);
const origin = `http://127.0.0.1:${port}`;
while (
  !(await fetch(`${origin}/health`).then(
    (r) => r.ok,
    () => false,
  ))
)
  await new Promise((r) => setTimeout(r, 20));
const result = await autocannon({
  url: register ? `${origin}/v1/customers` : `${origin}/v1/customers/4711?expand=addresses`,
  connections: 16,
  duration: seconds,
  ...(register ? registrations('profile') : {}),
});
const stats = (await (await fetch(`${upstream.origin}/__stats`)).json()) as { connectionsOpened: number };
console.log(
  `${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms (profiling overhead included); upstream connections opened: ${stats.connectionsOpened}`,
);
await new Promise((resolve) => {
  gateway.once('exit', resolve);
  gateway.kill('SIGTERM');
});
await upstream.stop();
if (receiver) {
  console.log(`webhooks received: ${await (await fetch(receiver.origin)).text()}`);
  await receiver.stop();
}

const profile = JSON.parse(readFileSync(join(dir, readdirSync(dir)[0]!), 'utf8')) as {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
};
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const byPackage = new Map<string, number>();
const byFunction = new Map<string, number>();
profile.samples.forEach((id, i) => {
  const frame = nodes.get(id)!.callFrame;
  const ms = (profile.timeDeltas[i] ?? 0) / 1000;
  const pkg =
    /node_modules\/((@[^/]+\/)?[^/]+)/.exec(frame.url)?.[1] ??
    (frame.url.startsWith('node:')
      ? frame.url.split('/')[0]!
      : frame.url
        ? frame.url.replace(/^.*\/(src|adapters|schemas|emulators)\//, '$1/')
        : '(native)');
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
  const fn = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
});
// Inclusive: every function on a sample's stack is charged once for it.
const parent = new Map<number, number>();
for (const node of profile.nodes)
  for (const child of (node as ProfileNode & { children?: number[] }).children ?? []) parent.set(child, node.id);
const inclusive = new Map<string, number>();
profile.samples.forEach((id, i) => {
  const ms = (profile.timeDeltas[i] ?? 0) / 1000;
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
    const frame = nodes.get(at)!.callFrame;
    const fn = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber}`;
    if (!seen.has(fn)) inclusive.set(fn, (inclusive.get(fn) ?? 0) + ms);
    seen.add(fn);
  }
});
const top = (map: Map<string, number>, n: number) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${v.toFixed(0).padStart(7)} ms  ${k}`)
    .join('\n');
console.log(
  `\nself time by file/package\n${top(byPackage, 30)}\n\nself time by function\n${top(byFunction, 40)}\n\ninclusive time by function\n${top(inclusive, Number(process.env.PROFILE_TOP ?? 60))}`,
);
