import { Agent, interceptors, type Dispatcher } from 'undici';
import { BufferedResponse } from './buffered-response.js';
import { UnlinkedRequest } from './ky-construction.js';

export interface UpstreamFetchOptions {
  /** Most sockets kept open per upstream origin. */
  connections?: number;
  /** How long an idle keep-alive socket stays open. */
  keepAliveTimeoutMs?: number;
  /** Redirects followed for `redirect: 'follow'` (the fetch default). */
  maxRedirections?: number;
}

export interface UpstreamFetch {
  fetch: typeof fetch;
  /** Closes the pooled sockets (after calls in flight). */
  close(): Promise<void>;
}

/** The parts of a Request we read: any class (Node's, @hono/node-server's, undici's) has them. */
interface RequestLike {
  url: string;
  method: string;
  headers: Headers;
  body: ReadableStream<Uint8Array> | null;
  signal?: AbortSignal;
  redirect?: RequestRedirect;
  arrayBuffer(): Promise<ArrayBuffer>;
}

interface Outgoing {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: Uint8Array | null;
  signal: AbortSignal | undefined;
  redirect: RequestRedirect;
}

// Captured before @hono/node-server swaps globalThis.Response for its lightweight subclass.
const NativeResponse = globalThis.Response;
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * The one upstream fetch for Node (`npm start`, `npm run migrate`, bench): WHATWG fetch's signature
 * over undici's pooled dispatcher (keep-alive sockets per origin, no fetch-spec machinery on the
 * hot path). It duck-types its input rather than using `instanceof`: ky hands it Requests of
 * @hono/node-server's class on the first try and of Node's own class (`request.clone()`) on retries.
 *
 * Unlike fetch, it answers once the whole body is in, read by undici's own body reader (no WHATWG
 * stream), as a `BufferedResponse`: upstream answers are small JSON documents that the upstream
 * client reads whole under the same signal anyway, and a stream built around a body and read back
 * cost more CPU per call than the gateway's own mapping. Like any Response built from bytes, its
 * `url` is empty and its `type` is `default`. The signal, a real AbortSignal, is undici's
 * `Dispatcher.request` signal: it ends the call before the answer, while the headers are awaited
 * and while the body arrives (test/transport/node-fetch.test.ts).
 */
export function createUpstreamFetch(options: UpstreamFetchOptions = {}): UpstreamFetch {
  const agent = new Agent({
    connections: options.connections ?? 64,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
  });
  const following = agent.compose(interceptors.redirect({ maxRedirections: options.maxRedirections ?? 20 }));

  async function upstreamFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
    const outgoing = await toOutgoing(input, init);
    outgoing.signal?.throwIfAborted();
    const url = new URL(outgoing.url);
    try {
      const answer = await (outgoing.redirect === 'follow' ? following : agent).request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: outgoing.method as Dispatcher.HttpMethod,
        headers: outgoing.headers,
        body: outgoing.body,
        signal: outgoing.signal,
      });
      if (outgoing.redirect === 'error' && REDIRECT_STATUSES.has(answer.statusCode)) {
        void answer.body.dump().catch(() => {});
        throw new Error(`unexpected redirect (${answer.statusCode}) with redirect: 'error'`);
      }
      const hasBody = !NULL_BODY_STATUSES.has(answer.statusCode) && outgoing.method !== 'HEAD';
      // Without a body, drained so that the socket goes back to the pool.
      const body = hasBody ? new Uint8Array(await answer.body.arrayBuffer()) : (await answer.body.dump(), null);
      return new BufferedResponse(body, {
        status: answer.statusCode,
        statusText: answer.statusText,
        headers: responseHeaders(answer.headers),
      });
    } catch (error) {
      // Like fetch: an abort rejects with the signal's reason, anything else is a TypeError.
      if (outgoing.signal?.aborted) throw outgoing.signal.reason;
      throw new TypeError('fetch failed', { cause: error });
    }
  }

  return { fetch: upstreamFetch, close: () => agent.close() };
}

function isRequestLike(input: unknown): input is RequestLike {
  return (
    typeof input === 'object' &&
    input !== null &&
    typeof (input as RequestLike).url === 'string' &&
    typeof (input as RequestLike).method === 'string' &&
    typeof (input as RequestLike).arrayBuffer === 'function'
  );
}

/** fetch(input, init) semantics: init's fields override the Request's (init.headers replace its headers). */
async function toOutgoing(input: RequestInfo | URL, init: RequestInit = {}): Promise<Outgoing> {
  const request = isRequestLike(input) ? input : undefined;
  const headers: Record<string, string> = {};
  const given = init.headers ?? request?.headers;
  // A Headers (what ky's Request carries) is read as it is; any other HeadersInit is normalised first.
  (given instanceof Headers ? given : new Headers(given)).forEach((value, name) => (headers[name] = value));
  let body: Uint8Array | null = null;
  if (init.body != null) {
    // Any BodyInit (string, bytes, URLSearchParams, FormData, Blob, stream) as fetch would encode it.
    const encoded = new NativeResponse(init.body);
    body = new Uint8Array(await encoded.arrayBuffer());
    const type = encoded.headers.get('content-type');
    if (type && headers['content-type'] === undefined) headers['content-type'] = type;
  } else if (request?.body && init.body === undefined) {
    // Buffered, not streamed: bodies here are small JSON, and a length lets any upstream accept it.
    // ky's Request in the Node build hands over what it was built from without its stream being read.
    const sendable = request instanceof UnlinkedRequest ? request.sendableBody : undefined;
    body = sendable ?? new Uint8Array(await request.arrayBuffer());
  }
  return {
    url: request ? request.url : String(input),
    method: normalizeMethod(init.method ?? request?.method ?? 'GET'),
    headers,
    body,
    signal: init.signal ?? request?.signal ?? undefined,
    redirect: init.redirect ?? request?.redirect ?? 'follow',
  };
}

const NORMALIZED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);
/** As fetch does: the standard methods are upper-cased, others (PATCH!) are sent as written. */
function normalizeMethod(method: string): string {
  const upper = method.toUpperCase();
  return NORMALIZED_METHODS.has(upper) ? upper : method;
}

function responseHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const name in raw) {
    const value = raw[name];
    if (Array.isArray(value)) for (const one of value) headers.append(name, one);
    else if (value !== undefined) headers.append(name, value);
  }
  return headers;
}
