import type { Context, MiddlewareHandler } from 'hono';
import { deadlineSignal, type AbortSource, type Deadline } from '../../transport/deadline.js';
import type { CallContext, Log } from '../../adapters/types.js';
import type { GatewayEnv } from '../context.js';
import { redactHeaders } from '../logging/redact.js';
import { ClientConnection } from '../../transport/client-connection.js';
import type { AttemptObserver } from '../../transport/attempt-observer.js';

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Request id (the caller's X-Request-Id when it is sane, else a new one), the request's logger
 * (every line carries the id), the adapter CallContext with the gateway's deadline, and one
 * access-log line per request (with the adapter calls it made).
 */
export function requestContext(
  log: Log,
  timeoutMs: number,
  /** Traces and metrics of the upstream attempts (src/telemetry/observe.ts); undefined when both are off. */
  observeAttempt?: AttemptObserver,
): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    const started = performance.now();
    const offered = c.req.header('x-request-id');
    const requestId = offered && CLIENT_REQUEST_ID.test(offered) ? offered : crypto.randomUUID();
    const requestLog = lazyChild(log, { requestId });
    const call = new RequestCall(requestId, requestLog, timeoutMs, started, c, observeAttempt);
    c.set('requestId', requestId);
    c.set('log', requestLog);
    c.set('extraHeaders', call.extraHeaders);
    c.set('call', call);
    if (requestLog.isLevelEnabled?.('debug') !== false) {
      requestLog.debug(
        { method: c.req.method, path: c.req.path, headers: redactHeaders(c.req.raw.headers) },
        'request',
      );
    }
    try {
      await next();
    } finally {
      call.end();
    }
    setHeaders(c, requestId, call.extraHeaders);
    // On the root logger, the id first: the line a child would write, without making one.
    log.info(
      {
        requestId,
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
        // The successful adapter calls it made (failures have their own line): which, and how long in all.
        ...(call.ops === undefined ? {} : { ops: call.ops, adapterMs: Math.round(call.adapterMs * 10) / 10 }),
      },
      'request completed',
    );
  };
}

/**
 * The request's CallContext: its deadline (or the client leaving), its extra answer headers and
 * the adapter calls it made. A class, not an object literal: a literal with a getter (`signal`)
 * gets an AccessorPair per request, which V8's factory allocates in the old generation. That
 * old, soon dead pair points at the request's young closures, and a scavenge keeps whatever an
 * old object points at, so every request's context, Hono Context and Node request and response
 * outlived two scavenges and were promoted (~6 KB per request on /health, none with the class;
 * `bench/gc.ts` measures it).
 */
class RequestCall implements CallContext {
  readonly extraHeaders: Record<string, string> = {};
  ops: string | undefined;
  adapterMs = 0;
  lostDeleteAnswers = 0;
  // The gateway's deadline, or the client leaving. Built only when something waits on it; an
  // upstream call asks for its own (deadlineWithin) and gets one signal for both limits.
  #whole: Deadline | undefined;
  // The client leaving: its connection on Node, the Request's signal elsewhere (Workers).
  #client: AbortSource | undefined;

  constructor(
    readonly requestId: string,
    readonly log: Log,
    private readonly timeoutMs: number,
    private readonly started: number,
    private readonly c: Context<GatewayEnv>,
    readonly observeAttempt: AttemptObserver | undefined,
  ) {}

  get signal(): AbortSignal {
    return (this.#whole ??= deadlineSignal(this.remainingMs(), this.#clientSide())).signal;
  }

  /** One signal for both limits: `limitMs` and the request's own (or the client leaving). */
  deadlineWithin(limitMs: number): Deadline {
    return this.#whole
      ? deadlineSignal(limitMs, this.#whole.signal)
      : deadlineSignal(Math.min(limitMs, this.remainingMs()), this.#clientSide());
  }

  recordCall(op: string, ms: number): void {
    this.ops = this.ops === undefined ? op : `${this.ops},${op}`;
    this.adapterMs += ms;
  }

  setResponseHeader(name: string, value: string): void {
    this.extraHeaders[name] = value;
  }

  /** The request is answered: the deadline's timer and listener go. */
  end(): void {
    this.#whole?.dispose();
  }

  remainingMs(): number {
    return Math.max(0, this.timeoutMs - (performance.now() - this.started));
  }

  #clientSide(): AbortSource | undefined {
    return (this.#client ??= ClientConnection.of(this.c.env) ?? this.c.req.raw.signal ?? undefined);
  }
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
  const lazy = {
    child: (more: Record<string, unknown>) => made().child(more),
    isLevelEnabled: (level: (typeof LEVELS)[number]) => log.isLevelEnabled?.(level) !== false,
  } as Log;
  for (const level of LEVELS) {
    lazy[level] = (obj, msg) => {
      if (log.isLevelEnabled?.(level) !== false) made()[level](obj, msg);
    };
  }
  return lazy;
}
