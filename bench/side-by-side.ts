/**
 * `npx tsx bench/side-by-side.ts <variant> <variant> …`: gateway builds (or flags, or env) measured
 * against one fixture SCAYLE upstream in alternating turns, for optimisation work where
 * `bench:compare`'s peers are not the question. A variant is `<dir>[+v8-flag…][@VAR=value…]`
 * (`variantProcess` in bench/lib/processes.ts):
 * `dist/node` (a build: copy dist/node aside before rebuilding to compare two),
 * `dist/node+heap-growing-percent=75`, `dist/node@LOG_LEVEL=warn`, or a `.ts` server run with tsx
 * such as `bench/peers/hono-ky.ts` (the floor of the stack the gateway is built on). Prints each
 * variant's median CPU µs/request (from /proc, robust to other load), req/s and RSS at the end.
 * Knobs: SIDE_ROUNDS (6), SIDE_SECONDS (4), SIDE_PATH (GET one customer with addresses).
 * SIDE_SCENARIO=register POSTs registrations instead (issue 23's cost of events); a variant's
 * `@WEBHOOK_URLS=receiver` names a webhook receiver on loopback (bench/fixture/webhook-receiver.ts,
 * one for all, signed with a bench secret), e.g. `dist/node dist/node@WEBHOOK_URLS=receiver`.
 * Each variant's main thread is measured apart too (what a busy instance runs out of first).
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { gatewayEnvFor } from './fixture/scayle-upstream-config.js';
import { registrations } from './lib/registrations.js';
import { freePort, mainThreadCpuMs, startTsServer, treeCpuMs, treeRssMiB, variantProcess } from './lib/processes.js';
import { BENCH_WEBHOOK_SECRET } from './fixture/webhook-secret.js';

const rounds = Number(process.env.SIDE_ROUNDS ?? 6);
const seconds = Number(process.env.SIDE_SECONDS ?? 4);
const path = process.env.SIDE_PATH ?? '/v1/customers/4711?expand=addresses';
const register = process.env.SIDE_SCENARIO === 'register';
/** One turn of load: GET `path`, or POST a new registration per request. */
const load = (origin: string, duration: number) =>
  autocannon({
    url: register ? `${origin}/v1/customers` : origin + path,
    connections: 16,
    duration,
    ...(register ? registrations(`side-${process.pid}`) : {}),
  });
const specs = process.argv.slice(2);
if (specs.length === 0) {
  console.error('usage: npx tsx bench/side-by-side.ts <dir|server.ts>[+v8-flag…][@VAR=value…] …');
  process.exit(2);
}

const upstream = await startTsServer('fixture upstream', 'bench/fixture/scayle-upstream.ts', {});
const receiver = specs.some((spec) => spec.includes('WEBHOOK_URLS=receiver'))
  ? await startTsServer('webhook receiver', 'bench/fixture/webhook-receiver.ts', {})
  : undefined;
const variants = await Promise.all(
  specs.map(async (spec) => {
    const { args, env } = variantProcess(spec);
    if (env.WEBHOOK_URLS === 'receiver') {
      env.WEBHOOK_URLS = `${receiver!.origin}/hooks`;
      env.WEBHOOK_SECRET ??= BENCH_WEBHOOK_SECRET;
    }
    const port = await freePort();
    const child = spawn(process.execPath, args, {
      env: { ...process.env, PORT: String(port), ...gatewayEnvFor(upstream.origin), ...env },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const origin = `http://127.0.0.1:${port}`;
    // Any answer means it is listening (the peers have no /health of their own).
    for (
      let tries = 0;
      !(await fetch(`${origin}/health`).then(
        () => true,
        () => false,
      ));
      tries++
    ) {
      if (tries > 500 || child.exitCode !== null) throw new Error(`${spec} did not answer`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return { spec, child, origin, cpu: [] as number[], main: [] as number[], rps: [] as number[] };
  }),
);
try {
  for (const v of variants) await load(v.origin, 2); // warm-up
  for (let round = 0; round < rounds; round++) {
    // Alternate the order, so a drift in the machine's speed hits every variant alike.
    for (const v of round % 2 ? [...variants].reverse() : variants) {
      const before = [treeCpuMs(v.child.pid!), mainThreadCpuMs(v.child.pid!)] as const;
      const result = await load(v.origin, seconds);
      // Events still on their way belong to this turn, not to the next variant's.
      if (receiver) await new Promise((resolve) => setTimeout(resolve, 300));
      v.cpu.push(((treeCpuMs(v.child.pid!) - before[0]) * 1000) / result.requests.total);
      v.main.push(((mainThreadCpuMs(v.child.pid!) - before[1]) * 1000) / result.requests.total);
      v.rps.push(result.requests.average);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const v of variants) {
    console.log(
      `${v.spec}\n  CPU ${median(v.cpu).toFixed(0)} µs/request (turns: ${v.cpu.map((x) => x.toFixed(0)).join(' ')}), main thread ${median(v.main).toFixed(0)}, ${median(v.rps).toFixed(0)} req/s, RSS ${treeRssMiB(v.child.pid!).toFixed(0)} MiB`,
    );
  }
  // Each turn's ratio against the first variant, then their median: a drift of the machine's speed
  // between turns cancels out of a ratio taken within one turn.
  const [first, ...others] = variants;
  for (const v of others) {
    const ratios = v.cpu.map((cpu, i) => first!.cpu[i]! / cpu);
    const rpsRatios = v.rps.map((rps, i) => first!.rps[i]! / rps);
    console.log(
      `${first!.spec} vs ${v.spec}: median per-turn ratio ${median(rpsRatios).toFixed(2)}× req/s (turns: ${rpsRatios.map((r) => r.toFixed(2)).join(' ')}), ${median(ratios).toFixed(2)}× the CPU per request`,
    );
  }
} finally {
  for (const v of variants) v.child.kill();
  await upstream.stop();
  await receiver?.stop();
}
