import type { IncomingMessage } from 'node:http';
import { serve } from '@hono/node-server';
import { Agent, fetch as undiciFetch } from 'undici';
import { ConfigError } from '../adapters/types.js';
import { createApp } from './app.js';
import { createDeps } from './deps.js';
import { parseEnv } from './env.js';
import { createLogger } from './logging/logger.js';
import { nodeDocsAssets } from './runtime/docs-assets-node.js';

/** Node entry: `npm start`. The only place that reads process.env, listens and may exit. */
function main() {
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
  const log = createLogger({ level: config.logLevel });
  // Keep-alive connection pool for upstream calls: on Node the upstream client dominates the cost.
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 64 });
  const upstreamFetch = ((input: RequestInfo | URL, init?: RequestInit) =>
    undiciFetch(input as never, { ...(init as object), dispatcher: agent } as never)) as unknown as typeof fetch;
  const deps = createDeps(config, {
    fetch: upstreamFetch,
    log,
    docsAssets: nodeDocsAssets,
    clientAddress: (c) => (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket.remoteAddress,
  });
  const app = createApp(deps);
  const server = serve({ fetch: app.fetch, port: config.port }, (info) => {
    log.info(
      { port: info.port, backends: config.backends.map((b) => `${b.name}${b.embedded ? ' (embedded emulator)' : ''}`), default: config.defaultBackend },
      `customer-gateway listening on http://localhost:${info.port} (docs at /docs)`,
    );
  });
  const shutdown = () => server.close(() => process.exit(0));
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main();
