import type { Server } from 'node:http';
import type { Log } from '../../adapters/types.js';
import type { Readiness } from './readiness.js';
import { withTimeout } from './timeout.js';

/**
 * Work to finish before the process exits, after the last request was answered, each bounded:
 * the entry's steps (node.ts), e.g. the events feature's "deliver what is due", then closing the
 * upstream connections, the store and the logs.
 */
export interface ShutdownHook {
  name: string;
  run(): Promise<void>;
}

export interface GracefulShutdown {
  readiness: Readiness;
  /** The servers to stop: the API's and, if any, the metrics one. */
  servers: Server[];
  /** SHUTDOWN_DELAY_MS: how long requests are still taken after /ready turned 503. */
  delayMs: number;
  /** SHUTDOWN_GRACE_MS: how long requests in flight may take to finish once no new ones are taken. */
  graceMs: number;
  /** In order: background work, event delivery, then tracing, upstream connections, store, logs (node.ts). */
  hooks: ShutdownHook[];
  log: Log;
}

const HOOK_TIMEOUT_MS = 10_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * SIGTERM: /ready fails first (and answers carry `Connection: close`), requests are still taken
 * for SHUTDOWN_DELAY_MS while load balancers notice, then the listeners close: requests in
 * flight finish (idle keep-alive connections are closed as they free up) for at most
 * SHUTDOWN_GRACE_MS, after which the rest are cut. Then the hooks run, in order.
 */
export async function shutDownGracefully(options: GracefulShutdown): Promise<void> {
  const { servers, log } = options;
  options.readiness.drain();
  for (const server of servers) server.on('request', (_req, res) => res.setHeader('connection', 'close'));
  log.info(
    { delayMs: options.delayMs, graceMs: options.graceMs },
    'shutting down: /ready answers 503; requests in flight may finish',
  );
  if (options.delayMs > 0) await sleep(options.delayMs);
  const closed = Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  // A keep-alive connection whose request ends after close() would otherwise stay open until its idle timeout.
  const idleCloser = setInterval(() => {
    for (const server of servers) server.closeIdleConnections();
  }, 50);
  const finished = await withTimeout(closed, options.graceMs);
  clearInterval(idleCloser);
  if (finished === 'timeout') {
    log.warn(
      { graceMs: options.graceMs },
      'requests still in flight after SHUTDOWN_GRACE_MS: their connections are cut',
    );
    for (const server of servers) server.closeAllConnections();
  }
  for (const hook of options.hooks) {
    const outcome = await withTimeout(
      hook.run().then(() => 'done' as const),
      HOOK_TIMEOUT_MS,
    ).catch((error: unknown) => (error instanceof Error ? error.message : 'failed'));
    if (outcome !== 'done') log.warn({ hook: hook.name, outcome }, 'shutdown step did not complete');
  }
}
