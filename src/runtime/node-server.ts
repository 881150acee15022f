import { serve } from '@hono/node-server';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface NodeServerOptions {
  port: number;
  hostname?: string;
  /** A client must have sent all its headers within this time (slowloris guard). */
  headersTimeoutMs: number;
  /** A client must have sent its whole request within this time. */
  requestTimeoutMs: number;
}

/**
 * Serves the gateway on Node with the connection limits a public server needs. Node's defaults
 * hold a client that trickles its headers for a minute and check timeouts only every 30 s, so
 * both are tightened here; keep-alive stays on (the 413 path closes its own connection).
 */
export function serveGateway(
  fetch: (request: Request) => Response | Promise<Response>,
  options: NodeServerOptions,
  onListening?: (info: AddressInfo) => void,
): Server {
  return serve(
    {
      fetch,
      port: options.port,
      hostname: options.hostname,
      serverOptions: {
        headersTimeout: options.headersTimeoutMs,
        requestTimeout: Math.max(options.requestTimeoutMs, options.headersTimeoutMs),
        // How often Node looks for connections past those timeouts (default 30 s).
        connectionsCheckingInterval: Math.min(1_000, options.headersTimeoutMs),
      },
    },
    onListening,
  ) as Server;
}
