/**
 * `npx tsx bench/events-placement.ts`: where a webhook delivery's cost lands (issue 23 point 7), for
 * deciding where delivery should run. Not part of `npm run bench:compare` or `npm test`.
 *
 * POST register against the fixture SCAYLE upstream, four gateways (`npm start`, memory store)
 * taken in turns, each round's events-off turn first:
 * - `off`: events off;
 * - `recording`: `EVENTS=on` with no sink (the outbox and the poller's digests, nothing delivered);
 * - `recording + ideal sender`: the same gateway while bench/fixture/webhook-sender.ts, another
 *   process, sends the receiver signed webhooks at 0.9× the round's events-off rate (what the target
 *   would have delivered) with no outbox or lane behind them: delivery moved out of the gateway at
 *   no cost to it;
 * - `webhook`: the webhook sink as shipped.
 * Prints, per variant, the median per-round ratio of req/s to that round's `off`, and the CPU per
 * registration of the gateway, the receiver and the sender (from /proc). EP_ROUNDS (8), EP_SECONDS (2).
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatewayEnvFor } from './fixture/scayle-upstream-config.js';
import { type Child, startGateway, startTsServer, treeCpuMs } from './lib/processes.js';
import { BENCH_WEBHOOK_SECRET } from './fixture/webhook-secret.js';

const rounds = Number(process.env.EP_ROUNDS ?? 8);
const seconds = Number(process.env.EP_SECONDS ?? 2);
const log = (name: string) => join(tmpdir(), `customer-gateway-events-placement-${name}-${process.pid}.log`);

const children: Child[] = [];
const upstream = await startTsServer('fixture upstream', 'bench/fixture/scayle-upstream.ts', {});
const receiver = await startTsServer('webhook receiver', 'bench/fixture/webhook-receiver.ts', {});
children.push(upstream, receiver);
const env = gatewayEnvFor(upstream.origin);
const noSink = { ...env, EVENTS: 'on' };
const [off, recording, webhook] = await Promise.all([
  startGateway(env, log('off')),
  startGateway(noSink, log('recording')),
  startGateway(
    { ...env, WEBHOOK_URLS: `${receiver.origin}/hooks`, WEBHOOK_SECRET: BENCH_WEBHOOK_SECRET },
    log('webhook'),
  ),
]);
children.push(off, recording, webhook);
const sender = spawn(process.execPath, ['--import', 'tsx', 'bench/fixture/webhook-sender.ts'], {
  env: { ...process.env, SENDER_URL: `${receiver.origin}/hooks` },
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const sendAt = (rate: number) => sender.send({ rate });

let registered = 0;
const load = (origin: string, duration: number) =>
  autocannon({
    url: `${origin}/v1/customers`,
    method: 'POST',
    connections: 16,
    duration,
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req: autocannon.Request) => ({
          ...req,
          body: JSON.stringify({
            email: `placement-${process.pid}-${++registered}@example.org`,
            firstName: 'Bench',
            lastName: 'Runner',
            gender: 'female',
          }),
        }),
      },
    ],
  });

interface Turn {
  rps: number;
  gateway: number;
  receiver: number;
  sender: number;
}
const variants = ['off', 'recording', 'recording + ideal sender', 'webhook'] as const;
type Variant = (typeof variants)[number];
const gatewayOf: Record<Variant, Child> = {
  off,
  recording,
  'recording + ideal sender': recording,
  webhook,
};
const turns = new Map<Variant, Turn[]>(variants.map((v) => [v, []]));

async function measure(variant: Variant): Promise<Turn> {
  const pids = [
    gatewayOf[variant].proc.pid!,
    receiver.proc.pid!,
    variant === 'recording + ideal sender' ? sender.pid : undefined,
  ];
  const before = pids.map((pid) => (pid ? treeCpuMs(pid) : 0));
  const started = performance.now();
  const result = await load(gatewayOf[variant].origin, seconds);
  const elapsed = (performance.now() - started) / 1000;
  const [gateway, rx, tx] = pids.map((pid, i) =>
    pid ? ((treeCpuMs(pid) - before[i]!) * 1000) / result.requests.total : 0,
  );
  return { rps: result.requests.total / elapsed, gateway: gateway!, receiver: rx!, sender: tx! };
}

for (const variant of variants) {
  // The sender warms up with its gateway (its JIT too), then waits paused.
  if (variant === 'recording + ideal sender') sendAt(1000);
  await load(gatewayOf[variant].origin, 1);
  sendAt(0);
}
for (let round = 0; round < rounds; round++) {
  const base = await measure('off');
  turns.get('off')!.push(base);
  const rest = variants.slice(1);
  for (let k = 0; k < rest.length; k++) {
    const variant = rest[(k + round) % rest.length]!;
    // The sender runs in its own turn only, at what the target would deliver in this round.
    if (variant === 'recording + ideal sender') sendAt(Math.round(base.rps * 0.9));
    turns.get(variant)!.push(await measure(variant));
    sendAt(0);
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const offTurns = turns.get('off')!;
console.log(`POST register, ${rounds} rounds of ${seconds} s per variant, 16 connections`);
for (const variant of variants) {
  const list = turns.get(variant)!;
  const ratios = list.map((t, i) => t.rps / offTurns[i]!.rps);
  const µs = (pick: (t: Turn) => number) => median(list.map(pick)).toFixed(0);
  console.log(
    `${variant.padEnd(26)} ${median(list.map((t) => t.rps))
      .toFixed(0)
      .padStart(5)} req/s  ` +
      `vs off ${median(ratios).toFixed(2)}× (rounds ${ratios.map((r) => r.toFixed(2)).join(' ')})  ` +
      `CPU µs/registration: gateway ${µs((t) => t.gateway)}, receiver ${µs((t) => t.receiver)}, sender ${µs((t) => t.sender)}`,
  );
}
sender.kill('SIGTERM');
await Promise.all(children.map((c) => c.stop()));
