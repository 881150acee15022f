import type { Context, MiddlewareHandler } from 'hono';
import { deadlineSignal, type AbortSource, type Deadline } from '../../adapters/deadline.js';
import type { Log } from '../../adapters/types.js';
import type { GatewayEnv } from '../context.js';
import { redactHeaders } from '../logging/redact.js';
import { ClientConnection } from '../runtime/client-connection.js';

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Request id (the caller's X-Request-Id when it is sane, else a new one), the request's logger
 * (every line carries the id), the adapter CallContext with the gateway's deadline, and one
 * access-log line per request (with the adapter calls it made).
 */
export function requestContext(log: Log, timeoutMs: number): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const started = performance.now();
    const offered = c.req.header('x-request-id');
    const requestId = offered && CLIENT_REQUEST_ID.test(offered) ? offered : crypto.randomUUID();
    const requestLog = lazyChild(log, { requestId });
    const extraHeaders: Record<string, string> = {};
    // The gateway's deadline, or the client leaving. Built only when something waits on it; an
    // upstream call asks for its own (deadlineWithin) and gets one signal for both limits.
    let whole: Deadline | undefined;
    const remainingMs = () => Math.max(0, timeoutMs - (performance.now() - started));
    // The client leaving: its connection on Node, the Request's signal elsewhere (Workers).
    let client: AbortSource | undefined;
    const clientSide = () => (client ??= ClientConnection.of(c.env) ?? c.req.raw.signal ?? undefined);
    let ops: string | undefined;
    let adapterMs = 0;
    c.set('requestId', requestId);
    c.set('log', requestLog);
    c.set('extraHeaders', extraHeaders);
    c.set('call', {
      requestId,
      log: requestLog,
      get signal() {
        return (whole ??= deadlineSignal(remainingMs(), clientSide())).signal;
      },
      deadlineWithin: (limitMs) => (whole ? deadlineSignal(limitMs, whole.signal) : deadlineSignal(Math.min(limitMs, remainingMs()), clientSide())),
      recordCall: (op, ms) => {
        ops = ops === undefined ? op : `${ops},${op}`;
        adapterMs += ms;
      },
      setResponseHeader: (name, value) => (extraHeaders[name] = value),
    });
    if (requestLog.isLevelEnabled?.('debug') !== false) {
      requestLog.debug({ method: c.req.method, path: c.req.path, headers: redactHeaders(c.req.raw.headers) }, 'request');
    }
    try {
      await next();
    } finally {
      whole?.dispose();
    }
    setHeaders(c, requestId, extraHeaders);
    // On the root logger, the id first: the line a child would write, without making one.
    log.info(
      {
        requestId,
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        // The successful adapter calls it made (failures have their own line): which, and how long in all.
        ...(ops === undefined ? {} : { ops, adapterMs: Math.round(adapterMs * 10) / 10 }),
      },
      'request completed',
    );
  };
}

/**
 * X-Request-Id and the headers adapters asked for, on the finished answer. Set on its Headers
 * rather than with c.header(): after the handler, c.header() rebuilds the Response around its
 * body, which turns @hono/node-server's lightweight answer (written straight to the socket) into
 * a streamed one (~13 % of the gateway's CPU per request). Responses with immutable headers
 * (a fetched one handed through) take the rebuilding path.
 */
function setHeaders(c: Context<GatewayEnv>, requestId: string, extraHeaders: Record<string, string>) {
  try {
    const headers = c.res.headers;
    headers.set('X-Request-Id', requestId);
    for (const name in extraHeaders) headers.set(name, extraHeaders[name]!);
  } catch {
    c.header('X-Request-Id', requestId);
    for (const name in extraHeaders) c.header(name, extraHeaders[name]);
  }
}

const LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/**
 * `log.child(bindings)`, made when the request writes its first line of its own. At info, a
 * request that goes well writes only its access line, which needs no child: a pino child
 * (bindings serialised, a logger object) per request was ~1.5 µs of the gateway's CPU.
 */
function lazyChild(log: Log, bindings: Record<string, unknown>): Log {
  let child: Log | undefined;
  const made = () => (child ??= log.child(bindings));
  const lazy = { child: (more: Record<string, unknown>) => made().child(more), isLevelEnabled: (level: (typeof LEVELS)[number]) => log.isLevelEnabled?.(level) !== false } as Log;
  for (const level of LEVELS) {
    lazy[level] = (obj, msg) => {
      if (log.isLevelEnabled?.(level) !== false) made()[level](obj, msg);
    };
  }
  return lazy;
}
