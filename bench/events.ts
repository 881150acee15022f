import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { createClient } from 'redis';
import { type Child, freePort, startGateway, startTsServer, treeRssMiB } from './lib/processes.js';
import type { Measurement } from './lib/report.js';
import { BENCH_WEBHOOK_SECRET } from './fixture/webhook-secret.js';

/**
 * Issue 23 point 7, the cost of change events (part of `npm run bench:compare`): POST register
 * with events on (a webhook receiver on loopback) against events off; delivery to NATS JetStream
 * from a Redis-backed outbox; the gateway's memory while its webhook receiver is down under load.
 * BENCH_EVENTS=0 skips it; NATS_URL and REDIS_URL name the servers (127.0.0.1 by default).
 */
export interface EventsBenchOptions {
  upstreamEnv: Record<string, string>;
  /** compare.ts's side-by-side measurement in turns. */
  measure(targets: { name: string; origin: string; pid: number }[]): Promise<Measurement[]>;
  check(what: string, ok: boolean | undefined, value: string): void;
  children: Child[];
  soakSeconds: number;
}

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const log = (name: string) => join(tmpdir(), `customer-gateway-bench-events-${name}-${process.pid}.log`);

async function register(origin: string, count: number, concurrency = 32) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const res = await fetch(`${origin}/v1/customers`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: `nats-${process.pid}-${i}@example.org`, lastName: 'Bench' }),
      });
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

async function removeKeys(prefix: string) {
  const client = createClient({ url: REDIS_URL });
  await client.connect();
  for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 }))
    if (keys.length) await client.del(keys);
  await client.close();
}

export async function benchEvents(options: EventsBenchOptions): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = {};
  const { upstreamEnv, check, children } = options;

  // 1. POST register, events off vs on (every registration signed and POSTed to a receiver).
  const receiver = await startTsServer('webhook receiver', 'bench/fixture/webhook-receiver.ts', {});
  children.push(receiver);
  const off = await startGateway({ ...upstreamEnv, LOG_LEVEL: 'info' }, log('off'));
  const on = await startGateway(
    {
      ...upstreamEnv,
      LOG_LEVEL: 'info',
      WEBHOOK_URLS: `${receiver.origin}/hooks`,
      WEBHOOK_SECRET: BENCH_WEBHOOK_SECRET,
    },
    log('on'),
  );
  children.push(off, on);
  console.log('\nPOST register, change events off and on (webhook receiver on loopback)');
  const [withoutEvents, withEvents] = await options.measure([
    { name: 'events off', origin: off.origin, pid: off.proc.pid! },
    { name: 'events on (webhook)', origin: on.origin, pid: on.proc.pid! },
  ]);
  const ratio = withEvents!.rps / withoutEvents!.rps;
  const delivered = Number(await (await fetch(receiver.origin)).text());
  results.registerWithEvents = { off: withoutEvents, on: withEvents, ratio, webhooksDelivered: delivered };
  check('POST register with events on ≥ 0.9× events off', ratio >= 0.9, `${ratio.toFixed(2)}×`);
  await Promise.all([off.stop(), on.stop()]);

  // 2. NATS: an outbox of N events (recorded by a gateway with no sink), then a gateway with the
  // NATS sink delivers the backlog from Redis; events per second until the stream holds them all.
  const nats = await connect({ servers: NATS_URL, timeout: 2_000 }).catch(() => undefined);
  if (nats) {
    const count = 10_000;
    const prefix = `bench-events-${process.pid}:`;
    const stream = `BENCH_EVENTS_${process.pid}`;
    const shared = { ...upstreamEnv, LOG_LEVEL: 'warn', STORE: 'redis', REDIS_URL, STORE_PREFIX: prefix };
    const recorder = await startGateway({ ...shared, EVENTS: 'on' }, log('recorder'));
    children.push(recorder);
    await register(recorder.origin, count);
    await recorder.stop();
    const manager = await jetstreamManager(nats);
    const started = performance.now();
    const deliverer = await startGateway(
      { ...shared, EVENTS_NATS_URL: NATS_URL, EVENTS_NATS_STREAM: stream, EVENTS_NATS_SUBJECT: stream.toLowerCase() },
      log('nats'),
    );
    children.push(deliverer);
    let stored = 0;
    while (stored < count && performance.now() - started < 120_000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      stored = await manager.streams.info(stream).then(
        (i) => i.state.messages,
        () => 0,
      );
    }
    const perSecond = stored / ((performance.now() - started) / 1000);
    console.log(
      `NATS JetStream: ${stored} events from the outbox in the stream, ${perSecond.toFixed(0)} events/s (start included)`,
    );
    results.natsEventsPerSecond = Math.round(perSecond);
    check(
      'delivery to NATS ≥ 1000 events/s',
      stored === count && perSecond >= 1000,
      `${perSecond.toFixed(0)} events/s`,
    );
    await deliverer.stop();
    await manager.streams.delete(stream).catch(() => undefined);
    await nats.close();
    await removeKeys(prefix);
  } else check('delivery to NATS ≥ 1000 events/s', undefined, `no NATS server at ${NATS_URL}`);

  // 3. The webhook receiver is down (nothing listens on its port) for the whole soak, under load:
  // the backlog grows in Redis, the gateway's memory stays flat.
  if (options.soakSeconds > 0) {
    const prefix = `bench-soak-${process.pid}:`;
    const gateway = await startGateway(
      {
        ...upstreamEnv,
        LOG_LEVEL: 'warn',
        STORE: 'redis',
        REDIS_URL,
        STORE_PREFIX: prefix,
        WEBHOOK_URLS: `http://127.0.0.1:${await freePort()}/hooks`,
        WEBHOOK_SECRET: BENCH_WEBHOOK_SECRET,
      },
      log('soak'),
    );
    children.push(gateway);
    console.log(`memory soak: POST register for ${options.soakSeconds} s with the webhook receiver down`);
    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(treeRssMiB(gateway.proc.pid!)), (options.soakSeconds * 1000) / 4);
    const soakEnd = Date.now() + options.soakSeconds * 1000;
    let next = 0;
    const worker = async () => {
      while (Date.now() < soakEnd) {
        const res = await fetch(`${gateway.origin}/v1/customers`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: `soak-${process.pid}-${next++}@example.org`, lastName: 'Soak' }),
        });
        await res.arrayBuffer();
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    clearInterval(sampler);
    samples.push(treeRssMiB(gateway.proc.pid!));
    const half = samples[1] ?? 0; // at half-time (sampled every quarter)
    const full = samples.at(-1) ?? 0;
    console.log(
      `  ${next} registrations, all events waiting in Redis; RSS ${samples.map((s) => s.toFixed(0)).join(' → ')} MiB`,
    );
    results.soakWithReceiverDown = { registrations: next, rssMiB: samples.map(Math.round) };
    check(
      'RSS flat while the webhook receiver is down (grows ≤ 10 % from half-time to the end)',
      full <= half * 1.1,
      `${half.toFixed(0)} → ${full.toFixed(0)} MiB, ${next} events waiting`,
    );
    await gateway.stop();
    await removeKeys(prefix);
  }
  return results;
}
