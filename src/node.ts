import type { IncomingMessage } from 'node:http';
import { ConfigError } from '../adapters/errors.js';
import { createApp } from './app.js';
import { loadDeps } from './deps.js';
import { parseEnv } from './env.js';
import { createLogger } from './logging/logger.js';
import { nodeDocsAssets } from './runtime/docs-assets-node.js';
import { serveGateway } from './runtime/node-server.js';
import { createUpstreamFetch } from '../transport/node-fetch.js';
import { openNodeStore } from './store/open-node.js';
import { openNodeEventSinks } from './events/sinks/open.js';

/** Node entry: `npm start`. The only place that reads process.env, listens and may exit. */
async function main() {
  let config;
  try {
    config = parseEnv(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`customer-gateway: configuration error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const log = createLogger({ level: config.logLevel, asyncStdout: true });
  const store = await openNodeStore(config.store, log).catch((error: unknown) => {
    console.error(
      `customer-gateway: ${error instanceof Error ? error.message : 'the shared store could not be opened'}`,
    );
    process.exit(1);
  });
  const upstream = createUpstreamFetch({ connections: 64 });
  const eventSinks = await openNodeEventSinks(config.events).catch((error: unknown) => {
    console.error(`customer-gateway: ${error instanceof Error ? error.message : 'an event sink could not be opened'}`);
    process.exit(1);
  });
  const deps = await loadDeps(config, {
    fetch: upstream.fetch,
    log,
    store,
    eventSinks,
    docsAssets: nodeDocsAssets,
    clientAddress: (c) => (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket.remoteAddress,
  });
  const app = createApp(deps);
  deps.events?.start();
  const limits = {
    port: config.port,
    headersTimeoutMs: config.headersTimeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
  };
  const server = serveGateway(app.fetch, limits, (info) => {
    log.info(
      {
        port: info.port,
        backends: config.backends.map((b) => `${b.name}${b.embedded ? ' (embedded emulator)' : ''}`),
        default: config.defaultBackend,
      },
      `customer-gateway listening on http://localhost:${info.port} (docs at /docs)`,
    );
  });
  // Buffered log lines are written before exiting, while the event loop runs: if stdout's reader
  // is gone (`npm start | shipper`, both stopped at once) that write fails with EPIPE and pino
  // stops writing. Left to exit, pino's synchronous flush (sonic-boom 4) retries such a write
  // forever and the process never ends. Bounded, in case stdout is merely stuck.
  const flushLogs = () => Promise.race([log.flush?.(), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
  // Events first: the dispatcher delivers what is due (bounded) and hands its lease on while the store is open.
  const shutdown = () =>
    server.close(
      () =>
        void Promise.allSettled([deps.events?.stop()])
          .then(() => Promise.allSettled([upstream.close(), store?.close(), flushLogs()]))
          .finally(() => process.exit(0)),
    );
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

await main();
