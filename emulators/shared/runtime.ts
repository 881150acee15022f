import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import type { Hono } from 'hono';
import { DROP_HEADER } from './faults.js';

type AnyHono = Hono<any, any, any>;

/**
 * An in-process fetch bound to an emulator app: what the embedded default and fast tests use.
 * Like a real fetch it rejects when the request's signal aborts (so the gateway's deadlines hold
 * against a slow emulator), and a dropped-connection fault rejects like a reset socket.
 */
export function inProcessFetch(app: AnyHono): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request && init === undefined ? input : new Request(input, init);
    request.signal.throwIfAborted();
    let onAbort = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(request.signal.reason);
      request.signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const response = await Promise.race([app.fetch(request), aborted]);
      if (response.headers.has(DROP_HEADER)) throw new TypeError('fetch failed: connection reset by emulator');
      return response;
    } finally {
      request.signal.removeEventListener('abort', onAbort);
    }
  }) as typeof fetch;
}

export interface RunningEmulator {
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  /** HTTP requests answered so far, faulted ones included: what a client's retries cost the upstream. */
  readonly requestsServed: number;
  close(): Promise<void>;
}

/** Serves an emulator on a loopback port (0 = any free one), for tests over real HTTP and `npm run emulator`. */
export async function serveOnLoopback(app: AnyHono, port = 0): Promise<RunningEmulator> {
  let requestsServed = 0;
  return new Promise((resolve) => {
    const server = serve(
      {
        fetch: async (request: Request, env: { incoming?: { socket?: { destroy(): void } } }) => {
          requestsServed += 1;
          const response = await app.fetch(request, env);
          if (response.headers.has(DROP_HEADER)) env.incoming?.socket?.destroy();
          return response;
        },
        hostname: '127.0.0.1',
        port,
      },
      (info: AddressInfo) =>
        resolve({
          origin: `http://127.0.0.1:${info.port}`,
          get requestsServed() {
            return requestsServed;
          },
          close: () => new Promise<void>((done) => server.close(() => done())),
        }),
    );
  });
}
