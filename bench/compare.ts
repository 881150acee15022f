/**
 * `npm run bench:compare` (not part of `npm test`): the gateway side by side with the BFF a team
 * would write by hand, in one run on this machine. Starts a fixture SCAYLE upstream on loopback,
 * the two peers (bench/peers/) and the gateway as `npm start` runs it, drives each with autocannon
 * and prints req/s, p50/p99 and the gateway's ratios; writes bench/results/compare.{json,svg}.
 * Also: spawn→/health time, the gateway's RSS at 30 s and 60 s of load, the Worker bundle size and
 * a fresh workerd isolate's first request. Exits 1 when a target is missed.
 * Tracing: the gateway without and with OTEL_* (spans exported to an OTLP sink on loopback), side by side.
 * BENCH_SECONDS (8, per target, taken in BENCH_ROUNDS (4) turns), BENCH_WARMUP_SECONDS (1), BENCH_CONNECTIONS (16), BENCH_SOAK_SECONDS (60; 0 skips
 * the memory soak), BENCH_WORKER=0 skips the Worker part, BENCH_TRACING=0 the tracing part, BENCH_SCENARIOS=1 runs
 * only the first scenario, BENCH_LIVE=0 skips the live migration's cost (a moved customer's GET through `live` vs
 * the target's), BENCH_EVENTS=0 skips the change-events costs (bench/events.ts).
 */
import autocannon from 'autocannon';
import { execSync } from 'node:child_process';
import { deepStrictEqual } from 'node:assert';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE_TOKEN, gatewayEnvFor } from './fixture/scayle-upstream-config.js';
import { type Child, startGateway, startTsServer, treeCpuMs, treeRssMiB } from './lib/processes.js';
import { measureLiveMigration } from './lib/live.js';
import { barChart, type Measurement, table, writeResults } from './lib/report.js';
import { compareTracing } from './lib/tracing.js';
import { buildWorker, firstRequestLatency } from './lib/worker.js';
import { benchEvents } from './events.js';

const seconds = Number(process.env.BENCH_SECONDS ?? 8);
const warmup = Number(process.env.BENCH_WARMUP_SECONDS ?? 1);
const rounds = Number(process.env.BENCH_ROUNDS ?? 4);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const soakSeconds = Number(process.env.BENCH_SOAK_SECONDS ?? 60);
const withWorker = process.env.BENCH_WORKER !== '0';
const withLive = process.env.BENCH_LIVE !== '0';
const withTracing = process.env.BENCH_TRACING !== '0';

const GATEWAY = 'customer-gateway';
const EXPRESS = 'express+axios';
const UNDICI = 'node:http+undici';
const UPSTREAM = 'upstream itself';

let registered = 0;
const scenarios = [
  { name: 'GET customer with addresses', method: 'GET', path: '/v1/customers/4711?expand=addresses' },
  { name: 'GET a page of 20 customers', method: 'GET', path: '/v1/customers?limit=20' },
  {
    name: 'POST register',
    method: 'POST',
    path: '/v1/customers',
    body: () =>
      JSON.stringify({
        email: `bench-${process.pid}-${++registered}@example.org`,
        firstName: 'Bench',
        lastName: 'Runner',
        gender: 'female',
      }),
  },
] as const;
type Scenario = (typeof scenarios)[number];
/** BENCH_SCENARIOS=1,3 runs only those (1-based); the default is all three. */
const picked = process.env.BENCH_SCENARIOS
  ? scenarios.filter((_, i) => process.env.BENCH_SCENARIOS!.split(',').includes(String(i + 1)))
  : scenarios;

const children: Child[] = [];
const stopAll = () => Promise.all(children.map((c) => c.stop()));

async function load(
  origin: string,
  scenario: Scenario,
  duration: number,
  headers: Record<string, string> = {},
  path: string = scenario.path,
) {
  return autocannon({
    url: `${origin}${path}`,
    method: scenario.method,
    connections,
    duration,
    headers: { 'content-type': 'application/json', ...headers },
    ...('body' in scenario
      ? { requests: [{ setupRequest: (req: autocannon.Request) => ({ ...req, body: scenario.body() }) }] }
      : {}),
  });
}

interface Target {
  name: string;
  origin: string;
  /** The server's process, whose CPU time per request is measured. */
  pid: number;
  headers?: Record<string, string>;
  path?: string;
}

/**
 * Each target gets `seconds` in total, in `rounds` slices taken in turn (A B C, B C A, …): load from
 * the other people on this machine then hits every target alike, so same-run ratios hold up.
 */
async function measureInTurns(targets: Target[], scenario: Scenario): Promise<Measurement[]> {
  const totals = targets.map(() => ({
    requests: 0,
    ms: 0,
    cpuMs: 0,
    p50: [] as number[],
    p99: [] as number[],
    non2xx: 0,
    errors: 0,
    timeouts: 0,
  }));
  if (warmup > 0) for (const t of targets) await load(t.origin, scenario, warmup, t.headers, t.path);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < targets.length; k++) {
      const i = (k + round) % targets.length;
      const t = targets[i]!;
      const cpuBefore = treeCpuMs(t.pid);
      const r = await load(t.origin, scenario, seconds / rounds, t.headers, t.path);
      const total = totals[i]!;
      total.cpuMs += treeCpuMs(t.pid) - cpuBefore;
      total.requests += r.requests.total;
      total.ms += r.duration * 1000;
      total.p50.push(r.latency.p50);
      total.p99.push(r.latency.p99);
      total.non2xx += r.non2xx;
      total.errors += r.errors;
      total.timeouts += r.timeouts;
    }
  }
  const mean = (values: number[]) => Math.round((values.reduce((a, b) => a + b, 0) / values.length) * 10) / 10;
  return targets.map((t, i) => {
    const total = totals[i]!;
    const cpuUsPerRequest = Math.round((total.cpuMs * 1000) / Math.max(1, total.requests));
    const m = {
      scenario: scenario.name,
      target: t.name,
      rps: (total.requests / total.ms) * 1000,
      p50: mean(total.p50),
      p99: mean(total.p99),
      failures: total.non2xx + total.errors + total.timeouts,
      cpuUsPerRequest,
    };
    const why = m.failures ? ` (non-2xx ${total.non2xx}, errors ${total.errors}, timeouts ${total.timeouts})` : '';
    console.log(
      `  ${t.name.padEnd(18)} ${String(Math.round(m.rps)).padStart(6)} req/s  p50 ${String(m.p50).padStart(5)} ms  p99 ${String(m.p99).padStart(6)} ms  CPU ${String(cpuUsPerRequest).padStart(5)} µs/req  failures ${m.failures}${why}`,
    );
    return m;
  });
}

/** The peers must answer what the gateway answers, or the comparison means nothing. */
async function checkSameAnswers(targets: Child[]) {
  const get = async (origin: string, path: string) =>
    (await fetch(`${origin}${path}`)).json() as Promise<Record<string, unknown>>;
  const [gateway, ...peers] = targets;
  const customer = await get(gateway!.origin, scenarios[0].path);
  const page = (await get(gateway!.origin, scenarios[1].path)) as { items: unknown[] };
  for (const peer of peers) {
    deepStrictEqual(await get(peer.origin, scenarios[0].path), customer, `${peer.name} maps the customer differently`);
    deepStrictEqual(
      ((await get(peer.origin, scenarios[1].path)) as { items: unknown[] }).items,
      page.items,
      `${peer.name} maps the page differently`,
    );
  }
}

const results: Record<string, unknown> = { date: new Date().toISOString(), seconds, connections, logLevel: 'info' };
const checks: { what: string; ok: boolean | undefined; value: string }[] = [];
const check = (what: string, ok: boolean | undefined, value: string) => checks.push({ what, ok, value });

try {
  // What `npm ci` did before (its `prepare` build), so spawn → /health times a start, not a build.
  const prepare = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> }).scripts
    .prepare;
  if (prepare) execSync(prepare, { stdio: 'inherit' });
  const upstream = await startTsServer('fixture upstream', 'bench/fixture/scayle-upstream.ts', {});
  children.push(upstream);
  const scayleEnv = gatewayEnvFor(upstream.origin);
  const logFile = join(tmpdir(), `customer-gateway-bench-${process.pid}.log`);
  const gateway = await startGateway(scayleEnv, logFile);
  children.push(gateway);
  const express = await startTsServer(EXPRESS, 'bench/peers/express-axios.ts', scayleEnv);
  const undici = await startTsServer(UNDICI, 'bench/peers/undici-bare.ts', scayleEnv);
  children.push(express, undici);
  console.log(`spawn → /health of the gateway (\`npm start\`): ${gateway.spawnToHealthMs.toFixed(0)} ms`);
  results.spawnToHealthMs = Math.round(gateway.spawnToHealthMs);
  check('spawn → /health ≤ 1000 ms', gateway.spawnToHealthMs <= 1000, `${gateway.spawnToHealthMs.toFixed(0)} ms`);
  await checkSameAnswers([gateway, express, undici]);

  const measurements: Measurement[] = [];
  for (const scenario of picked) {
    console.log(`\n${scenario.name} (${seconds} s per target in ${rounds} turns, ${connections} connections)`);
    const targets: Target[] = [undici, express, gateway].map((c) => ({
      name: c.name,
      origin: c.origin,
      pid: c.proc.pid!,
    }));
    if (scenario === scenarios[0]) {
      const direct = `/api/admin/v1/shops/bench/countries/DE/customers/4711?with=addresses,legacyCustomData`;
      targets.unshift({
        name: UPSTREAM,
        origin: upstream.origin,
        pid: upstream.proc.pid!,
        headers: { 'x-access-token': FIXTURE_TOKEN },
        path: direct,
      });
    }
    measurements.push(...(await measureInTurns(targets, scenario)));
  }
  const logLines = readFileSync(logFile, 'utf8').split('\n').filter(Boolean).length;
  results.gatewayLogLines = logLines;

  const rps = (scenario: string, target: string) =>
    measurements.find((m) => m.scenario === scenario && m.target === target)?.rps ?? 0;
  const ratio = (m: Measurement) => (m.target === GATEWAY ? '' : `${(rps(m.scenario, GATEWAY) / m.rps).toFixed(2)}×`);
  console.log(`\n${table(measurements, ratio)}\n`);
  const main = scenarios[0].name;
  const vsExpress = rps(main, GATEWAY) / rps(main, EXPRESS);
  const vsUndici = rps(main, GATEWAY) / rps(main, UNDICI);
  const gatewayMain = measurements.find((m) => m.scenario === main && m.target === GATEWAY);
  // The GET customer targets only when that scenario ran (BENCH_SCENARIOS may leave it out).
  if (gatewayMain) {
    check('GET customer: gateway ≥ 1.5× express+axios', vsExpress >= 1.5, `${vsExpress.toFixed(2)}×`);
    check('GET customer: gateway ≥ 0.25× node:http+undici', vsUndici >= 0.25, `${vsUndici.toFixed(2)}×`);
    check('GET customer: gateway p99 ≤ 30 ms', gatewayMain.p99 <= 30, `${gatewayMain.p99} ms`);
  }
  check(
    'no failed requests on any target',
    measurements.every((m) => m.failures === 0),
    measurements.map((m) => m.failures).join('/'),
  );
  const requests = measurements.filter((m) => m.target === GATEWAY).reduce((sum, m) => sum + m.rps * seconds, 0);
  check(
    'gateway logged (LOG_LEVEL=info) at least one line per measured request',
    logLines >= requests,
    `${logLines} lines`,
  );
  results.measurements = measurements;
  results.ratios = { getCustomerVsExpress: vsExpress, getCustomerVsUndici: vsUndici };

  if (withLive) {
    console.log(`\nGET a moved customer through live vs the target backend directly (one gateway)`);
    const live = await measureLiveMigration(
      scayleEnv,
      (targets, scenario) => measureInTurns(targets, scenario as Scenario),
      children,
    );
    results.liveMigration = { measurements: live.measured, cost: live.cost, cpuCost: live.cpuCost };
    // CPU per request, not req/s: robust to the rest of this machine's load (report.ts).
    const cost = `${live.cpuCost.toFixed(2)}× CPU/req (${live.cost.toFixed(2)}× req/s)`;
    check('GET moved customer: live costs ≤ 1.2× the target directly', live.cpuCost <= 1.2, cost);
    console.log(`  live costs ${live.cost.toFixed(2)}× in req/s, ${live.cpuCost.toFixed(2)}× in CPU per request`);
  }

  if (soakSeconds > 0) {
    console.log(`memory soak: GET customer on the gateway for ${soakSeconds} s`);
    const samples: Record<number, number> = {};
    const timers = [soakSeconds / 2, soakSeconds].map((at) =>
      setTimeout(() => (samples[at] = treeRssMiB(gateway.proc.pid!)), at * 1000 - 200),
    );
    await load(gateway.origin, scenarios[0], soakSeconds);
    timers.forEach(clearTimeout);
    const [half, full] = [samples[soakSeconds / 2] ?? 0, samples[soakSeconds] ?? treeRssMiB(gateway.proc.pid!)];
    results.rssMiB = { [`at${soakSeconds / 2}s`]: Math.round(half), [`at${soakSeconds}s`]: Math.round(full) };
    console.log(`  RSS ${half.toFixed(0)} MiB at ${soakSeconds / 2} s, ${full.toFixed(0)} MiB at ${soakSeconds} s`);
    check(`RSS after ${soakSeconds} s of load ≤ 150 MiB`, full <= 150, `${full.toFixed(0)} MiB`);
    check(
      `RSS flat between ${soakSeconds / 2} s and ${soakSeconds} s (grows ≤ 10 %)`,
      full <= half * 1.1,
      `+${(full - half).toFixed(0)} MiB`,
    );
  }
  if (withTracing) {
    const traced = await compareTracing(gateway, scayleEnv, {
      children,
      measure: (targets) => measureInTurns(targets, scenarios[0]),
      scenario: scenarios[0].name,
    });
    check('spans reached the OTLP sink', traced.exports > 0, `${traced.exports} exports`);
    results.tracing = traced;
  }
  await gateway.stop();

  // Issue 23: what change events cost (bench/events.ts).
  if (process.env.BENCH_EVENTS !== '0')
    results.events = await benchEvents({
      upstreamEnv: scayleEnv,
      measure: (targets) => measureInTurns(targets, scenarios[2]),
      check,
      children,
      soakSeconds,
    });

  if (withWorker) {
    const bundle = await buildWorker();
    const worker = await firstRequestLatency(bundle, scayleEnv, scenarios[0].path);
    console.log(
      `Worker bundle ${bundle.uploadKiB} KiB / gzip ${bundle.gzipKiB} KiB (code alone ${bundle.codeGzipKiB} KiB gzip); fresh workerd isolate: ready ${worker.readyMs.toFixed(0)} ms, first request ${worker.firstMs.toFixed(1)} ms, second ${worker.secondMs.toFixed(1)} ms`,
    );
    results.worker = { ...bundle, outdir: undefined, ...worker };
    check('Worker bundle ≤ 250 KiB gzip', bundle.gzipKiB <= 250, `${bundle.gzipKiB} KiB`);
  }
  results.checks = checks;
  writeResults(
    'bench/results',
    'compare',
    results,
    barChart(
      measurements,
      [GATEWAY, EXPRESS, UNDICI],
      `req/s, ${connections} connections, ${seconds} s per target (${results.date as string})`,
    ),
  );
} finally {
  await stopAll();
}

console.log('');
for (const c of checks) console.log(`${c.ok ? 'PASS' : 'MISS'}  ${c.what}: ${c.value}`);
console.log('\nwrote bench/results/compare.json and compare.svg');
process.exit(checks.every((c) => c.ok) ? 0 : 1);
