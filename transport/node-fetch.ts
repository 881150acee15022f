import type { Readable } from 'node:stream';
import { Agent, interceptors, type Dispatcher } from 'undici';
import { WholeBodyResponse } from './buffered-response.js';
import { TAKES_ABORT_SOURCE, type DeadlineSignal } from './deadline.js';

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
  signal?: AbortSignal | DeadlineSignal;
  redirect?: RequestRedirect;
  arrayBuffer(): Promise<ArrayBuffer>;
}

interface Outgoing {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: Uint8Array | null;
  /** A DeadlineSignal from the upstream client (TAKES_ABORT_SOURCE) or any AbortSignal. */
  signal: AbortSignal | DeadlineSignal | undefined;
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
    let answer: Dispatcher.ResponseData;
    try {
      answer = await (outgoing.redirect === 'follow' ? following : agent).request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: outgoing.method as Dispatcher.HttpMethod,
        headers: outgoing.headers,
        body: outgoing.body,
        signal: outgoing.signal,
      });
    } catch (error) {
      // Like fetch: an abort rejects with the signal's reason, anything else is a TypeError.
      if (outgoing.signal?.aborted) throw outgoing.signal.reason;
      throw new TypeError('fetch failed', { cause: error });
    }
    if (outgoing.redirect === 'error' && REDIRECT_STATUSES.has(answer.statusCode)) {
      void answer.body.dump().catch(() => {});
      throw new TypeError('fetch failed', {
        cause: new Error(`unexpected redirect (${answer.statusCode}) with redirect: 'error'`),
      });
    }
    const hasBody = !NULL_BODY_STATUSES.has(answer.statusCode) && outgoing.method !== 'HEAD';
    if (!hasBody) void answer.body.dump().catch(() => {}); // drain, so the socket goes back to the pool
    return new UpstreamResponse(hasBody ? (answer.body as BodyReadable) : null, outgoing.url, {
      status: answer.statusCode,
      statusText: answer.statusText,
      headers: responseHeaders(answer.headers),
    });
  }

  // The upstream client may hand it a DeadlineSignal instead of an AbortSignal: undici takes one.
  return {
    fetch: Object.assign(upstreamFetch, { [TAKES_ABORT_SOURCE]: true }) as typeof fetch,
    close: () => agent.close(),
  };
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
    body = new Uint8Array(await request.arrayBuffer());
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

/** undici's body: a Node stream that also reads itself whole (as text, bytes), without WHATWG streams. */
type BodyReadable = Readable & { text(): Promise<string>; arrayBuffer(): Promise<ArrayBuffer> };

/**
 * The answer as a real Response over undici's body. Read whole (`text()`, `json()`,
 * `arrayBuffer()`: what ky and the adapters do) it goes through undici's own readers; a WHATWG
 * stream is built only when someone asks for `body`, pulled on demand, and cancelling it
 * releases the socket. A Response built around a stream costs more CPU per upstream call than
 * the gateway's whole mapping.
 */
class UpstreamResponse extends WholeBodyResponse {
  readonly #source: BodyReadable | null;
  readonly #headers: Headers;
  readonly #url: string;
  #stream: ReadableStream<Uint8Array<ArrayBuffer>> | null | undefined;
  #used = false;

  constructor(
    source: BodyReadable | null,
    url: string,
    init: { status: number; statusText: string; headers: Headers },
  ) {
    super(null, { status: init.status, statusText: init.statusText });
    this.#source = source;
    this.#headers = init.headers;
    this.#url = url;
  }

  override get url(): string {
    return this.#url;
  }

  override get headers(): Headers {
    return this.#headers;
  }

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    if (this.#stream === undefined) this.#stream = this.#source && !this.#used ? webStream(this.#source) : null;
    return this.#stream;
  }

  override get bodyUsed(): boolean {
    // A handed-out stream counts as used once someone holds its reader (as near as we can tell).
    return this.#used || (this.#stream?.locked ?? false);
  }

  /** The body read whole, once: through the stream if one was handed out, else by undici. */
  async #read<T>(
    whole: (source: BodyReadable) => Promise<T>,
    viaStream: (response: Response) => Promise<T>,
  ): Promise<T> {
    if (this.#used) throw new TypeError('Body is unusable: body has already been read');
    this.#used = true;
    if (this.#stream) return viaStream(new NativeResponse(this.#stream));
    if (!this.#source) return viaStream(new NativeResponse(null));
    return whole(this.#source);
  }

  override text(): Promise<string> {
    return this.#read(
      (source) => source.text(),
      (r) => r.text(),
    );
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    return this.#read(
      (source) => source.arrayBuffer(),
      (r) => r.arrayBuffer(),
    );
  }

  override clone(): Response {
    if (this.#used) throw new TypeError('Response.clone: body has already been used');
    const body = this.body;
    if (!body)
      return new UpstreamResponse(null, this.#url, {
        status: this.status,
        statusText: this.statusText,
        headers: new Headers(this.#headers),
      });
    const [mine, theirs] = body.tee();
    this.#stream = mine;
    const copy = new NativeResponse(theirs, {
      status: this.status,
      statusText: this.statusText,
      headers: this.#headers,
    });
    Object.defineProperty(copy, 'url', { value: this.#url });
    return copy;
  }
}

/** A WHATWG stream over undici's body: pulled on demand, cancelling it releases the socket. */
function webStream(body: Readable): ReadableStream<Uint8Array<ArrayBuffer>> {
  const chunks = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  return new ReadableStream<Uint8Array<ArrayBuffer>>({
    async pull(controller) {
      const { value, done } = await chunks.next();
      if (done) controller.close();
      else controller.enqueue(new Uint8Array(value.buffer as ArrayBuffer, value.byteOffset, value.byteLength));
    },
    async cancel() {
      await chunks.return?.(); // destroys the body: the socket is closed rather than read to the end
    },
  });
}
