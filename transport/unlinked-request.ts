// Captured at import: @hono/node-server later swaps globalThis.Request for a subclass of its own.
const NativeRequest = globalThis.Request;

/** A body a second Request can be built from again (a stream or FormData is read once). */
type ReusableBody = string | Uint8Array<ArrayBuffer> | ArrayBuffer | URLSearchParams;

function reusable(body: BodyInit | null | undefined): ReusableBody | undefined {
  return typeof body === 'string' ||
    body instanceof Uint8Array ||
    body instanceof ArrayBuffer ||
    body instanceof URLSearchParams
    ? (body as ReusableBody)
    : undefined;
}

/**
 * The Request ky builds for an upstream call with a body, except that it does not follow ky's
 * abort signal.
 *
 * ky builds a Request per call and clones it for retries. Given ky's own AbortSignal, Node's
 * Request follows it through a WeakRef and a FinalizationRegistry entry, and clone() links the
 * copy the same way. V8's scavenger keeps whatever those reach, so every call's Requests and
 * signals went to the old space to wait for a full GC: in one process, 155 µs of CPU per ky call
 * against 106 µs with this class, 4.9 against 3.1 KB promoted per call. ky's signal only serves
 * ky's own timeout, which the upstream client turns off: each attempt is bound by a signal of
 * the client's, given to the fetch.
 *
 * ky clones its Request before every attempt, to keep a sendable copy for a retry. The clone is
 * built anew from the same fields and, for a string or bytes body, the same source, rather than
 * by tee-ing a stream.
 */
export class UnlinkedRequest extends NativeRequest {
  readonly #source: ReusableBody | undefined;

  constructor(input: RequestInfo | URL, init?: RequestInit) {
    super(input, { ...init, signal: null });
    this.#source = reusable(init?.body);
  }

  override clone(): Request {
    if (this.bodyUsed) throw new TypeError('Request.clone: body has already been used');
    if (this.body === null) return this; // nothing to read twice: it can be sent again as it is
    if (this.#source !== undefined) return new UnlinkedRequest(this, { body: this.#source });
    return super.clone();
  }
}

/**
 * What ky builds for an upstream call without a body (every GET): the fields a fetch needs, and
 * no Request. The upstream client sends it as `fetch(url, { method, headers, redirect, signal })`,
 * which any fetch takes.
 *
 * A Request costs more than the rest of ky's work for a call: URL and option parsing, a copy of
 * the headers and an AbortSignal of its own (an EventTarget; ~4 µs to make on Node 20). This
 * keeps ky's Headers (fresh per call) as they are, and it is its own clone (ky clones before
 * every attempt, for a retry): without a body it can be sent any number of times.
 */
export class BodylessRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly redirect: RequestRedirect;
  readonly body = null;
  readonly bodyUsed = false;

  constructor(input: string | URL, init: RequestInit = {}) {
    // The URL as a Request would hold it (normalised; an invalid one throws TypeError here, not at a retry).
    this.url = new URL(input).href;
    this.method = init.method ?? 'GET';
    this.headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    this.redirect = init.redirect ?? 'follow';
  }

  clone(): this {
    return this;
  }
}

/** What `new Request(input, init)` gives inside ky's construction: see the two classes above. */
class KyRequest {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    // ky's input is the URL it built (prefixUrl + path); a Request given in is rebuilt as one.
    const bodyless = init?.body == null && (typeof input === 'string' || input instanceof URL);
    // biome-ignore lint/correctness/noConstructorReturn: the stand-in hands ky one of two classes
    return bodyless ? new BodylessRequest(input, init) : new UnlinkedRequest(input, init);
  }
}

/**
 * The signal of ky's AbortController below: never aborted, and no platform object, so one serves
 * every call (Workers refuse a real AbortSignal made while serving another request). It reaches
 * only ky's own bookkeeping: the Request classes above ignore the signal they are given.
 */
const NEVER_ABORTED = Object.freeze({
  aborted: false,
  reason: undefined,
  onabort: null,
  throwIfAborted() {},
  addEventListener() {},
  removeEventListener() {},
  dispatchEvent: () => true,
}) as unknown as AbortSignal;

/**
 * The AbortController ky makes for every call. It serves only ky's own timeout, which the
 * upstream client turns off (each attempt gets its own deadline), so this one hands out the
 * signal above instead of making an AbortSignal (an EventTarget, ~4 µs on Node 20) per call.
 */
class KyAbortController {
  readonly signal = NEVER_ABORTED;
  abort(): void {
    // ky aborts only on its own timeout, which is off (see createUpstreamClient).
  }
}

/**
 * Runs `build` with the two classes above as `globalThis.Request` and `globalThis.AbortController`.
 * ky makes its Request and AbortController synchronously, in the call that starts a request (its
 * hooks and the fetch run later, after an await), so only ky's construction sees the swap; both
 * globals are restored on return.
 */
export function withKyStandIns<T>(build: () => T): T {
  const request = globalThis.Request;
  const controller = globalThis.AbortController;
  globalThis.Request = KyRequest as unknown as typeof Request;
  globalThis.AbortController = KyAbortController as unknown as typeof AbortController;
  try {
    return build();
  } finally {
    globalThis.Request = request;
    globalThis.AbortController = controller;
  }
}
