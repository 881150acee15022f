/**
 * `npm run bench:outage` (not part of `npm test`): issue 25 point 5's target. The gateway runs as
 * `npm start` runs it with two instances of one platform, `down:scayle` and `up:scayle`, each in
 * front of the fixture SCAYLE upstream (bench/fixture/); `down` reaches it through a TCP proxy
 * that this script turns into an outage. Open-loop load (requests are sent on schedule, whatever
 * the answers take, as real traffic arrives): BENCH_OUTAGE_RATE (500) req/s to `down` throughout,
 * BENCH_OTHER_RATE (100) req/s to `up`, measured. Phases: baseline (BENCH_BASELINE_SECONDS, 20),
 * outage (BENCH_OUTAGE_SECONDS, 60: the proxy refuses connections, or accepts and never answers),
 * recovery (BENCH_RECOVERY_SECONDS, 20). Each outage mode (BENCH_OUTAGE_MODES, `refuse,hang`) runs
 * with the breaker (defaults) and without (BREAKER_FAILURES=off), side by side
 * (BENCH_VARIANTS=breaker,no-breaker). Targets, with the breaker: `up`'s p99 during the outage within
 * 2× its baseline p99, and the gateway's RSS at the end of the outage within 1.15× its baseline
 * (flat; the peak is reported beside it). Writes
 * bench/results/outage.json; exits 1 when a target is missed.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { FIXTURE_TOKEN } from './fixture/scayle-upstream-config.js';
import { type Child, startGateway, startTsServer, treeRssMiB } from './lib/processes.js';

const seconds = (name: string, fallback: number) => Number(process.env[name] ?? fallback) * 1000;
const BASELINE_MS = seconds('BENCH_BASELINE_SECONDS', 20);
const OUTAGE_MS = seconds('BENCH_OUTAGE_SECONDS', 60);
const RECOVERY_MS = seconds('BENCH_RECOVERY_SECONDS', 20);
const OUTAGE_RATE = Number(process.env.BENCH_OUTAGE_RATE ?? 500);
const OTHER_RATE = Number(process.env.BENCH_OTHER_RATE ?? 100);
const MODES = (process.env.BENCH_OUTAGE_MODES ?? 'refuse,hang').split(',') as Mode[];
const VARIANTS = (process.env.BENCH_VARIANTS ?? 'breaker,no-breaker').split(',');
type Mode = 'refuse' | 'hang';
type Phase = 'baseline' | 'outage' | 'recovery';
const PHASES: Phase[] = ['baseline', 'outage', 'recovery'];

/** A TCP proxy to the fixture that can refuse connections or swallow them (a black hole). */
async function outageProxy(target: number) {
  const sockets = new Set<Socket>();
  let mode: 'forward' | Mode = 'forward';
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  };
  const server: Server = createServer((client) => {
    track(client);
    if (mode === 'hang') return; // accepted, never answered
    const upstream = connect(target, '127.0.0.1');
    track(upstream);
    client.pipe(upstream).pipe(client);
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
  });
  const listen = (port = 0) =>
    new Promise<number>((resolve) =>
      server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
    );
  const port = await listen();
  const cutAll = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    port,
    async set(next: 'forward' | Mode) {
      if (mode === 'refuse') await listen(port);
      mode = next;
      cutAll(); // pooled keep-alive connections break, as they would in a real outage
      if (next === 'refuse') await new Promise((resolve) => server.close(resolve));
    },
    close: () => {
      cutAll();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

interface Sample {
  at: number;
  ms: number;
  status: number;
}

/** Sends `rate` requests per second to `url` on schedule until stopped; every answer is a sample. */
function openLoop(agent: Agent, url: string, rate: number, samples: Sample[]) {
  const started = performance.now();
  const { origin, pathname, search } = new URL(url);
  const request = { origin, path: pathname + search, method: 'GET' as const };
  let sent = 0;
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - started) / 1000) * rate);
    for (; sent < due; sent++) {
      const at = performance.now();
      agent.request(request).then(
        async (answer) => {
          await answer.body.dump();
          samples.push({ at, ms: performance.now() - at, status: answer.statusCode });
        },
        () => samples.push({ at, ms: performance.now() - at, status: 0 }),
      );
    }
  }, 5);
  return () => clearInterval(timer);
}

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! * 10) / 10;
};
/**
 * p50/p99, and the median of the p99s of each 10 s window: a stall of the machine (other work on it)
 * ruins one window's p99, the whole phase's p99 with it, but not the median window.
 */
const latencies = (samples: Sample[], phaseStartedAt: number) => {
  const ms = samples.map((s) => s.ms);
  const windows = new Map<number, number[]>();
  for (const s of samples) {
    const key = Math.floor(s.at / 10_000);
    windows.set(key, [...(windows.get(key) ?? []), s.ms]);
  }
  const p99s = [...windows.values()].filter((w) => w.length >= 100).map((w) => percentile(w, 99));
  const slowest = samples.reduce((a, b) => (b.ms > a.ms ? b : a), samples[0] ?? { at: 0, ms: 0, status: 0 });
  return {
    requests: samples.length,
    p50: percentile(ms, 50),
    p99: percentile(ms, 99),
    medianWindowP99: percentile(p99s, 50),
    /** The slowest request and when it was sent (s into the phase), to see where a p99 came from. */
    slowest: { ms: Math.round(slowest.ms), secondsIntoPhase: Math.round((slowest.at - phaseStartedAt) / 100) / 10 },
  };
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function runOne(fixture: Child, mode: Mode, variant: string) {
  const proxy = await outageProxy(Number(new URL(fixture.origin).port));
  const upstream = (origin: string, prefix: string) => ({
    [`${prefix}_BASE_URL`]: `${origin}/api/admin/v1`,
    [`${prefix}_ACCESS_TOKEN`]: FIXTURE_TOKEN,
    [`${prefix}_SHOP_KEY`]: 'bench',
    [`${prefix}_COUNTRY_CODE`]: 'DE',
  });
  const env = {
    BACKENDS: 'up:scayle,down:scayle',
    ...upstream(fixture.origin, 'UP'),
    ...upstream(`http://127.0.0.1:${proxy.port}`, 'DOWN'),
    UPSTREAM_BUDGET_UP: 'off',
    UPSTREAM_BUDGET_DOWN: 'off',
    LOG_LEVEL: 'info',
    ...(variant === 'no-breaker' ? { BREAKER_FAILURES: 'off' } : {}),
  };
  const gateway = await startGateway(env, join(tmpdir(), `outage-${mode}-${variant}.log`));
  const agent = new Agent({
    connections: 20_000,
    keepAliveTimeout: 60_000,
    headersTimeout: 120_000,
    bodyTimeout: 120_000,
  });
  const path = (backend: string) => `${gateway.origin}/v1/backends/${backend}/customers/4711?expand=addresses`;
  const other: Sample[] = [];
  const failing: Sample[] = [];
  const rss: { at: number; mib: number }[] = [];
  const phaseStart: Record<Phase, number> = { baseline: 0, outage: 0, recovery: 0 };
  try {
    // Warm-up (JIT, pools) before anything is measured.
    const stopWarm = [openLoop(agent, path('up'), OTHER_RATE, []), openLoop(agent, path('down'), OUTAGE_RATE, [])];
    await sleep(3_000);
    stopWarm.forEach((stop) => stop());
    const stops = [openLoop(agent, path('up'), OTHER_RATE, other), openLoop(agent, path('down'), OUTAGE_RATE, failing)];
    const sampler = setInterval(() => {
      try {
        rss.push({ at: performance.now(), mib: treeRssMiB(gateway.proc.pid!) });
      } catch {
        // Out of file descriptors for /proc this second (thousands of sockets open): skip the sample.
      }
    }, 1_000);
    phaseStart.baseline = performance.now();
    await sleep(BASELINE_MS);
    phaseStart.outage = performance.now();
    await proxy.set(mode);
    await sleep(OUTAGE_MS);
    phaseStart.recovery = performance.now();
    await proxy.set('forward');
    await sleep(RECOVERY_MS);
    stops.forEach((stop) => stop());
    clearInterval(sampler);
    await sleep(2_000); // answers still in flight
  } finally {
    await gateway.stop();
    await agent.close();
    await proxy.close();
  }
  const end = performance.now();
  const inPhase = <T extends { at: number }>(items: T[], phase: Phase) => {
    const from = phaseStart[phase];
    const to = phase === 'baseline' ? phaseStart.outage : phase === 'outage' ? phaseStart.recovery : end;
    return items.filter((s) => s.at >= from && s.at < to);
  };
  const phaseResult = (phase: Phase) => {
    const up = inPhase(other, phase);
    const down = inPhase(failing, phase);
    const statuses: Record<string, number> = {};
    for (const s of down) statuses[s.status] = (statuses[s.status] ?? 0) + 1;
    const memory = inPhase(rss, phase).map((r) => r.mib);
    return {
      up: { ...latencies(up, phaseStart[phase]), failures: up.filter((s) => s.status !== 200).length },
      down: { ...latencies(down, phaseStart[phase]), statuses },
      rssMiB: { max: Math.round(Math.max(...memory)), last: Math.round(memory.at(-1) ?? Number.NaN) },
    };
  };
  const phases = {
    baseline: phaseResult('baseline'),
    outage: phaseResult('outage'),
    recovery: phaseResult('recovery'),
  };
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  const p99Ratio = ratio(phases.outage.up.p99, phases.baseline.up.p99);
  // Flat: what the gateway holds at the end of the outage, against the baseline; the peak is reported beside it.
  const rssRatio = ratio(phases.outage.rssMiB.last, phases.baseline.rssMiB.max);
  const rssPeakRatio = ratio(phases.outage.rssMiB.max, phases.baseline.rssMiB.max);
  return { mode, variant, phases, p99Ratio, rssRatio, rssPeakRatio };
}

// What `npm ci` did (its `prepare` build): a stale build would be rebuilt by the first start, and
// esbuild's service process would count in that gateway's memory.
execSync((JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { prepare: string } }).scripts.prepare, {
  stdio: 'inherit',
});
const fixture = await startTsServer('fixture upstream', 'bench/fixture/scayle-upstream.ts', {});
const results = [];
let missed = false;
try {
  for (const mode of MODES) {
    for (const variant of VARIANTS) {
      console.log(`\n${mode} outage, ${variant}: ${OUTAGE_RATE} req/s to down, ${OTHER_RATE} req/s to up`);
      const result = await runOne(fixture, mode, variant);
      results.push(result);
      for (const phase of PHASES) {
        const p = result.phases[phase];
        console.log(
          `  ${phase.padEnd(9)} up: p50 ${p.up.p50} ms p99 ${p.up.p99} ms (median 10-s p99 ${p.up.medianWindowP99}; slowest ${p.up.slowest.ms} ms sent ${p.up.slowest.secondsIntoPhase} s in; ${p.up.requests} req, ${p.up.failures} failed)  down: ${JSON.stringify(p.down)}  RSS max ${p.rssMiB.max} MiB, last ${p.rssMiB.last}`,
        );
      }
      const ok = result.p99Ratio <= 2 && result.rssRatio <= 1.15;
      console.log(
        `  machine load average ${loadavg()
          .map((l) => l.toFixed(1))
          .join(' ')}`,
      );
      console.log(
        `  up's p99 outage/baseline ${result.p99Ratio}×, RSS end of outage/baseline ${result.rssRatio}× (peak ${result.rssPeakRatio}×)${variant === 'breaker' ? (ok ? '  (targets met)' : '  (TARGET MISSED)') : ''}`,
      );
      if (variant === 'breaker' && !ok) missed = true;
    }
  }
} finally {
  await fixture.stop();
}
mkdirSync('bench/results', { recursive: true });
const summary = { at: new Date().toISOString(), rates: { down: OUTAGE_RATE, up: OTHER_RATE }, results };
writeFileSync('bench/results/outage.json', `${JSON.stringify(summary, null, 2)}\n`);
process.exit(missed ? 1 : 0);
