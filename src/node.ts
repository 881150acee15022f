import type { IncomingMessage, Server } from 'node:http';
import { ConfigError } from '../adapters/errors.js';
import { API_VERSION, createApp } from './app.js';
import { loadDeps } from './deps.js';
import { parseEnv } from './env.js';
import { shutDownGracefully, type ShutdownHook } from './health/shutdown.js';
import { withTimeout } from './health/timeout.js';
import { createLogger } from './logging/logger.js';
import { createPrometheusMetrics } from './metrics/prometheus.js';
import { serveMetrics } from './metrics/server.js';
import { nodeDocsAssets } from './runtime/docs-assets-node.js';
import { serveGateway } from './runtime/node-server.js';
import type { Tracing } from './telemetry/tracing.js';
import { createUpstreamFetch } from '../transport/node-fetch.js';
import { checkKyConstruction } from '../transport/ky-check.js';
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
  // Log lines carry the active span's ids once tracing has started (below).
  let tracing: Tracing | undefined;
  const log = createLogger({
    level: config.logLevel,
    asyncStdout: true,
    ...(config.tracing ? { mixin: () => tracing?.logFields() ?? {} } : {}),
  });
  // The OpenTelemetry SDK is imported only when OTEL_* names an endpoint.
  if (config.tracing) {
    const { startNodeTracing } = await import('./telemetry/node.js');
    tracing = await startNodeTracing(config.tracing, { log, serviceVersion: API_VERSION });
  }
  const store = await openNodeStore(config.store, log).catch((error: unknown) => {
    console.error(
      `customer-gateway: ${error instanceof Error ? error.message : 'the shared store could not be opened'}`,
    );
    process.exit(1);
  });
  await checkKyConstruction().catch((error: unknown) => {
    console.error(`customer-gateway: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
  const upstream = createUpstreamFetch({ connections: 64 });
  const metrics = createPrometheusMetrics();
  const eventSinks = await openNodeEventSinks(config.events).catch((error: unknown) => {
    console.error(`customer-gateway: ${error instanceof Error ? error.message : 'an event sink could not be opened'}`);
    process.exit(1);
  });
  const deps = await loadDeps(config, {
    fetch: upstream.fetch,
    log,
    store,
    tracing,
    metrics,
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
  const servers: Server[] = [];
  if (config.metricsListener) {
    const listener = config.metricsListener;
    const metricsServer = await serveMetrics(metrics, listener, { log, source: deps }).catch((error: unknown) => {
      console.error(`customer-gateway: METRICS_PORT ${listener.port} could not be opened (${String(error)})`);
      process.exit(1);
    });
    servers.push(metricsServer);
  }
  const server = serveGateway(app.fetch, limits, (info) => {
    log.info(
      {
        port: info.port,
        backends: config.backends.map((b) => `${b.name}${b.embedded ? ' (embedded emulator)' : ''}`),
        default: config.defaultBackend,
        ...(config.metricsListener ? { metricsPort: config.metricsListener.port } : {}),
        ...(config.tracing ? { traces: config.tracing.url } : {}),
      },
      `customer-gateway listening on http://localhost:${info.port} (docs at /docs)`,
    );
  });
  servers.unshift(server);
  // Buffered log lines are written before exiting, while the event loop runs: if stdout's reader
  // is gone (`npm start | shipper`, both stopped at once) that write fails with EPIPE and pino
  // stops writing. Left to exit, pino's synchronous flush (sonic-boom 4) retries such a write
  // forever and the process never ends. Bounded, in case stdout is merely stuck.
  const flushLogs = () => withTimeout(Promise.resolve(log.flush?.()), 2_000, { unref: true });
  const closing: ShutdownHook[] = [
    // Answered work still running (password reset lookups, creates settling after their deadline)
    // finishes before the store and upstreams close, and before event delivery stops: the reset
    // token it records is then delivered, and a settled create's key holds its real answer.
    { name: 'finish answered background work', run: () => deps.background.settled() },
    // The dispatcher delivers what is due (bounded) and hands its lease on while the store is open.
    ...(deps.events ? [{ name: 'stop event delivery', run: () => deps.events!.stop() }] : []),
    ...(tracing ? [{ name: 'export traces', run: () => tracing!.shutdown() }] : []),
    { name: 'close upstream connections', run: () => upstream.close() },
    ...(store ? [{ name: 'close the shared store', run: () => store.close() }] : []),
    { name: 'flush logs', run: async () => void (await flushLogs()) },
  ];
  let stopping = false;
  const shutdown = (signal: string) => {
    // A second signal while draining: the operator wants out now.
    if (stopping) process.exit(1);
    stopping = true;
    log.info({ signal }, 'signal received');
    void shutDownGracefully({
      readiness: deps.readiness,
      servers,
      ...config.shutdown,
      hooks: closing,
      log,
    }).finally(() => process.exit(0));
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

await main();
