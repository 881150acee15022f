import ky, { HTTPError, isTimeoutError, type KyInstance, type Options as KyOptions } from 'ky';
import { BufferedResponse } from './buffered-response.js';
import { deadlineSignal, timedOut, type Deadline } from './deadline.js';
import { GatewayError, upstreamTimeout } from '../adapters/errors.js';
import { observed } from './attempt-observer.js';
import { classifyTransportFailure } from './failure.js';
import { BodylessRequest } from './ky-construction.js';
import type { CallContext } from '../adapters/types.js';

export interface UpstreamClientOptions {
  /** Base URL every path is appended to (no trailing slash needed). */
  baseUrl: string;
  fetch: typeof fetch;
  /** Per attempt, its answer's body included. */
  timeoutMs?: number;
  /** Whole call including retries and Retry-After waits. */
  totalTimeoutMs?: number;
  /** Retries of an idempotent call; default DEFAULT_RETRY_LIMIT. */
  retryLimit?: number;
  headers?: Record<string, string>;
  /** Backend name for error messages. */
  backend: string;
}

export interface UpstreamRequest
  extends Omit<KyOptions, 'prefixUrl' | 'signal' | 'retry' | 'throwHttpErrors' | 'fetch' | 'timeout'> {
  /**
   * Retry on 429/502/503/504. Defaults to true for GET/HEAD/PUT/DELETE and false otherwise;
   * RPC reads sent as POST (Open2b find/get/count) opt in explicitly.
   */
  idempotent?: boolean;
}

export interface UpstreamClient {
  /** Sends one upstream call; answers any HTTP status (adapters map them), throws GatewayError on transport failure. */
  request(ctx: CallContext, method: string, path: string, options?: UpstreamRequest): Promise<Response>;
}

const IDEMPOTENT = new Set(['get', 'head', 'put', 'delete', 'options']);
/**
 * Retries of an idempotent call (after a 429/502/503/504 or a connection that failed). With 10 %
 * of upstream calls failing, 2 retries lose 1 call in 1,000 (a 99.9 % target's whole error
 * budget), 4 lose 1 in 100,000, for 1.11 upstream calls per call on average either way: retries
 * cost only when calls fail, and the jittered backoff and total deadline bound an outage's load.
 */
export const DEFAULT_RETRY_LIMIT = 4;
const RETRY_STATUSES = [429, 502, 503, 504];
/** The statuses whose Retry-After (or rate-limit reset) header ky honours. */
const RETRY_AFTER_STATUSES = [429, 503];
const ALL_METHODS = ['get', 'head', 'put', 'delete', 'options', 'post', 'patch'];
const isRetryStatus = (status: number) => RETRY_STATUSES.includes(status);
const never = () => false;
/** ky's backoff before retry `attempt` (0.3 s, doubling, at most BACKOFF_LIMIT_MS), before its jitter. */
const BACKOFF_LIMIT_MS = 2_000;
const backoffMs = (attempt: number) => Math.min(300 * 2 ** (attempt - 1), BACKOFF_LIMIT_MS);
/** Longest wait an upstream may ask for before we retry instead of answering 429/503 at once. */
const MAX_RETRY_WAIT_MS = 5_000;
/** The headers ky 1.14.3 waits for (Ky.js, #calculateRetryDelay), in its order: each bounded here by the deadline. */
const WAIT_HEADERS = [
  'retry-after',
  'ratelimit-reset',
  'x-ratelimit-retry-after',
  'x-ratelimit-reset',
  'x-rate-limit-reset',
];

/** How long the upstream asks us to wait, from the headers ky itself honours (undefined: it did not say). */
function requestedWaitMs(response: Response): number | undefined {
  for (const name of WAIT_HEADERS) {
    const seconds = retryAfterSeconds(response.headers.get(name));
    if (seconds !== undefined) return seconds * 1000;
  }
  return undefined;
}

/**
 * A failure before the request could leave: no name, no connection (refused or timed out), no
 * TLS. Read from Node's and undici's error codes; Workers' fetch errors carry none, so there
 * every failed attempt counts as possibly applied.
 */
const neverSent = (error: unknown) => {
  const failure = classifyTransportFailure(error);
  return (
    failure?.kind === 'dns' ||
    failure?.kind === 'refused' ||
    failure?.kind === 'tls' ||
    failure?.code === 'UND_ERR_CONNECT_TIMEOUT'
  );
};

/**
 * The one ky client every adapter uses: per-attempt timeout, the caller's abort signal, the
 * request id forwarded, jittered retries for idempotent calls only (honouring Retry-After) and a
 * bound on the total time, so a slow upstream cannot hold a request past the gateway's deadline.
 */
export function createUpstreamClient(options: UpstreamClientOptions): UpstreamClient {
  const totalTimeoutMs = options.totalTimeoutMs ?? 20_000;
  const attemptTimeoutMs = options.timeoutMs ?? 8_000;
  // No signal and no timeout of ky's own: each attempt gets one signal from us (below). Given a
  // signal, ky composes it with its own (AbortSignal.any) on every call, and those weakly linked
  // signals, like the Requests following them, are freed only by a full GC.
  const api: KyInstance = ky.create({ prefixUrl: options.baseUrl, timeout: false });
  const clientHeaders = Object.entries(options.headers ?? {});

  return {
    async request(ctx, method, path, { idempotent, headers, searchParams, ...rest } = {}) {
      const verb = method.toLowerCase();
      const retryable = idempotent ?? IDEMPOTENT.has(verb);
      // A delete that lost an attempt's answer and then finds nothing deleted it itself (src/routes/recovery.ts).
      const deletes = verb === 'delete';
      // The call's own bound, or the request's deadline when that comes first: no backoff or
      // Retry-After wait outlasts the request (its last retryable answer is given instead).
      const giveUpAt = Date.now() + Math.min(totalTimeoutMs, ctx.remainingMs?.() ?? totalTimeoutMs);
      // One signal per attempt, and none for the call: an attempt is bound by the per-attempt
      // timeout and by what is left of the call's (and the request's) time, so the call ends by
      // its deadline however many attempts it takes. Each is kept (timer running) until the call
      // ends, so the answer's body, read below, is bound by it too. A timed-out attempt is not
      // retried (ky's rule for timeouts), which is why one signal can serve both limits.
      const attempts: Deadline[] = [];
      let lastAttemptAt = 0;
      const fetchAttempt = (given: RequestInfo | URL, givenInit?: RequestInit) => {
        // A bodyless call in the Node build (transport/ky-construction.ts) is sent as URL + init.
        const [input, init] = given instanceof BodylessRequest ? given.asFetchArguments(givenInit) : [given, givenInit];
        lastAttemptAt = Date.now();
        const left = giveUpAt - lastAttemptAt;
        if (left <= 0) return Promise.reject(timedOut());
        const limit = Math.min(attemptTimeoutMs, left);
        const attempt = ctx.deadlineWithin?.(limit) ?? deadlineSignal(limit, ctx.signal);
        attempts.push(attempt);
        const outgoing = sending(input, init, clientHeaders, ctx.requestId, attempt.signal);
        // Traces and metrics (transport/attempt-observer.ts), when the request's context has them.
        const ended = ctx.observeAttempt?.({
          backend: options.backend,
          request: attemptRequest(input, outgoing),
          number: attempts.length,
        });
        const sent = observed(options.fetch(input, outgoing), ended);
        if (!deletes) return sent;
        return sent.catch((error: unknown) => {
          if (!attempt.signal.aborted && !neverSent(error)) ctx.lostDeleteAnswers = (ctx.lostDeleteAnswers ?? 0) + 1;
          throw error;
        });
      };
      const cutShort = () => attempts.at(-1)?.signal.aborted === true;
      try {
        let response: Response;
        try {
          response = await api(`${path.replace(/^\//, '')}${queryString(searchParams)}`, {
            ...rest,
            method: verb,
            ...(headers === undefined ? {} : { headers }),
            fetch: fetchAttempt,
            // ky retries only what it throws: throw the retryable statuses, hand back the rest (and
            // the last retryable answer, below) for the adapter to map.
            throwHttpErrors: retryable ? isRetryStatus : never,
            retry: {
              limit: retryable ? (options.retryLimit ?? DEFAULT_RETRY_LIMIT) : 0,
              // Whether a call may be retried is decided above (`limit`), not by its method.
              methods: ALL_METHODS,
              statusCodes: RETRY_STATUSES,
              afterStatusCodes: RETRY_AFTER_STATUSES,
              maxRetryAfter: totalTimeoutMs,
              // ky's backoff (0.3 s, doubling), never waiting past the deadline: ky's wait does not
              // see our signal, so the deadline bounds it here.
              delay: (attempt) => Math.max(0, Math.min(backoffMs(attempt), giveUpAt - Date.now())),
              backoffLimit: BACKOFF_LIMIT_MS,
              jitter: true,
              // ky would wait out a long Retry-After (or X-RateLimit-Reset) and then hit our deadline:
              // answer the 429/503 now, with its Retry-After, instead of a 504 later.
              shouldRetry: ({ error, retryCount }) => {
                // Past the deadline (or the caller left), or our own refusal (the fleet's call
                // budget is spent): another attempt would only fail the same way.
                if (cutShort() || error instanceof GatewayError) return false;
                // ky waits what the platform asks only after the statuses it honours that for.
                const honoured = error instanceof HTTPError && RETRY_AFTER_STATUSES.includes(error.response.status);
                const wait = honoured ? requestedWaitMs(error.response) : undefined;
                // A retry that could not end by the deadline, its wait and then as long as the attempt
                // that just failed took: what the platform said now, not a 504 then.
                const now = Date.now();
                const fitsAfter = (waitMs: number) => now + waitMs + (now - lastAttemptAt) < giveUpAt;
                if (wait === undefined) return fitsAfter(backoffMs(retryCount)) ? undefined : false;
                return wait <= MAX_RETRY_WAIT_MS && fitsAfter(wait) ? undefined : false;
              },
            },
          });
        } catch (error) {
          if (!(error instanceof HTTPError)) throw error;
          response = error.response;
        }
        return await buffered(response);
      } catch (error) {
        // The caller's signal is the gateway's own deadline (or a client that left): a timeout, not a refusal.
        throw toTransportError(error, options.backend, cutShort() || isTimeoutError(error));
      } finally {
        for (const attempt of attempts) attempt.dispose();
      }
    },
  };
}

/**
 * The init an attempt is sent with: the attempt's signal, and the client's own headers and the
 * request id added to what is sent (a header the call gives itself wins, as in ky's merge). They
 * are set here rather than through ky's `headers` option, for which ky copies them into fresh
 * Headers objects three times per call. ky hands its fetch a Request, whose Headers are the ones
 * sent; a URL with init is taken as well. (Not `instanceof Request`: @hono/node-server replaces
 * the global Request with its own class.)
 */
export function sending(
  input: RequestInfo | URL,
  init: RequestInit | undefined,
  clientHeaders: [string, string][],
  requestId: string,
  signal: AbortSignal,
): RequestInit {
  const request = typeof input === 'object' && 'headers' in input && init?.headers === undefined ? input : undefined;
  // A Headers given in init is the call's own (ky's, for a bodyless call on Node): set on as it is.
  const headers = request
    ? request.headers
    : init?.headers instanceof Headers
      ? init.headers
      : new Headers(init?.headers);
  for (const [name, value] of clientHeaders) if (!headers.has(name)) headers.set(name, value);
  if (!headers.has('x-request-id')) headers.set('x-request-id', requestId);
  return request ? { ...init, signal } : { ...init, headers, signal };
}

/** What an attempt observer sees of an attempt: the method, URL and the Headers that are sent. */
function attemptRequest(input: RequestInfo | URL, outgoing: RequestInit) {
  const request = typeof input === 'object' && 'url' in input ? input : undefined;
  return {
    method: request?.method ?? outgoing.method ?? 'GET',
    url: request?.url ?? String(input),
    headers: outgoing.headers instanceof Headers ? outgoing.headers : (request as Request).headers,
  };
}

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * The answer with its body read while the call's deadline still holds it, so a body that trickles
 * is bound like the headers and the deadline's timer and listener are released when it returns.
 * Upstream answers are small JSON documents.
 */
async function buffered(response: Response): Promise<Response> {
  if (response instanceof BufferedResponse) return response; // already in memory (a fetch that answers one)
  const body = NULL_BODY_STATUSES.has(response.status) ? null : new Uint8Array(await response.arrayBuffer());
  return new BufferedResponse(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/**
 * The query as part of the URL rather than ky's `searchParams`: for that option ky builds the
 * Request three times over (and each Request follows the abort signal anew), once with it.
 */
function queryString(searchParams: KyOptions['searchParams']): string {
  if (searchParams === undefined) return '';
  const query =
    typeof searchParams === 'string'
      ? searchParams.replace(/^\?/, '')
      : new URLSearchParams(searchParams as Record<string, string>).toString();
  return query ? `?${query}` : '';
}

function toTransportError(error: unknown, backend: string, timedOut: boolean): GatewayError {
  if (error instanceof GatewayError) return error;
  if (timedOut) return upstreamTimeout(backend, error);
  if (error instanceof Error && error.name === 'AbortError') {
    return new GatewayError('upstream_timeout', `the request to ${backend} was aborted`, { cause: error });
  }
  return new GatewayError('upstream_unavailable', `${backend} could not be reached`, { cause: error });
}

/** Reads a JSON body, or throws upstream_contract_violation when the upstream sent something else. */
export async function readJson(response: Response, backend: string): Promise<unknown> {
  const text = await response.text();
  try {
    return text === '' ? undefined : JSON.parse(text);
  } catch {
    throw new GatewayError(
      'upstream_contract_violation',
      `${backend} answered ${response.status} with a body that is not JSON`,
      {
        upstream: { status: response.status },
      },
    );
  }
}

/** Seconds from a Retry-After header (delta-seconds or HTTP date), if present and sane. */
export function retryAfterSeconds(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

/** Any (loose) zod schema of an upstream payload: what `parseUpstream` and every adapter client's `call` take. */
export interface UpstreamSchema<T> {
  safeParse(
    data: unknown,
  ): { success: true; data: T } | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
}

/** Parses an upstream payload with its (loose) zod schema; a mismatch is the upstream's fault, not the caller's. */
export function parseUpstream<T>(schema: UpstreamSchema<T>, data: unknown, backend: string, what: string): T {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue ? `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}` : 'unexpected shape';
  throw new GatewayError(
    'upstream_contract_violation',
    `${backend} sent a ${what} that does not match its documented shape (${where})`,
  );
}
