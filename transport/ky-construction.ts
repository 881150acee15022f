/**
 * What ky builds for each upstream call on Node: `npm start`'s build (scripts/ky-build-patch.mjs)
 * points the Request and the AbortController made in ky 1.14.3's constructor at the classes below
 * instead of the globals. They spare ky's Request its links to ky's abort signal and, without a
 * body, the Request itself: 529 → 433 µs of CPU per GET customer side by side (docs/performance.md,
 * "Assumptions about a dependency's inside"). ky is pinned to that version; `checkKyConstruction`
 * (transport/ky-check.ts) refuses to start a build where ky does not use them. The Worker bundles ky as published.
 */

// Node's own Request, captured before @hono/node-server installs its subclass as the global.
const NativeRequest = globalThis.Request;
const utf8 = new TextEncoder();

/**
 * A body a second Request can be built from again, as the Request read it when it was built (a
 * stream or FormData is read once): text, or a copy of the bytes, since a Request holds a copy
 * too and later changes to the caller's array or parameters do not reach it.
 */
type ReusableBody = string | Uint8Array<ArrayBuffer>;

function reusable(body: BodyInit | null | undefined): ReusableBody | undefined {
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof Uint8Array) return body.slice() as Uint8Array<ArrayBuffer>;
  if (body instanceof ArrayBuffer) return new Uint8Array(body.slice(0));
  return undefined;
}

/**
 * The Request ky builds for a call with a body, except that it does not follow ky's abort signal:
 * Node's Request follows a given signal through a WeakRef and a FinalizationRegistry entry (and
 * its clone() links the copy the same way), which kept every call's Requests and signals alive
 * through scavenges. ky's signal serves only ky's own timeout, which the upstream client turns
 * off: each attempt gets a signal of the client's, given to the fetch. `signal` answers ky's.
 */
export class UnlinkedRequest extends NativeRequest {
  readonly #source: ReusableBody | undefined;
  readonly #signal: AbortSignal;

  constructor(input: RequestInfo | URL, init?: RequestInit) {
    super(input, { ...init, signal: null });
    this.#source = reusable(init?.body);
    this.#signal = init?.signal ?? super.signal;
  }

  override get signal(): AbortSignal {
    return this.#signal;
  }

  /**
   * The bytes it was built from, while its stream is unread: the upstream fetch sends these and
   * leaves the stream alone. ky cancels both its Requests' streams once a call ends; cancelling a
   * stream that was read (so locked) made and dropped a TypeError, stack trace and all, on every
   * upstream write. Undefined for a body that cannot be sent twice, or once the stream was read.
   */
  get sendableBody(): Uint8Array | undefined {
    const source = this.bodyUsed ? undefined : this.#source;
    return typeof source === 'string' ? utf8.encode(source) : source;
  }

  override clone(): Request {
    if (this.bodyUsed) throw new TypeError('Request.clone: body has already been used');
    // Built anew from the same source rather than by tee-ing a stream.
    if (this.#source !== undefined) return new UnlinkedRequest(this, { body: this.#source, signal: this.#signal });
    return super.clone();
  }
}

/**
 * What ky builds for a call without a body (every GET): the fields a fetch reads, no Request.
 * A Request costs more than the rest of ky's work for a call (URL and option parsing, a copy of
 * the headers, an AbortSignal of its own). Without a body it can be sent any number of times, so
 * it is its own clone (ky clones before every attempt, for a retry).
 */
export class BodylessRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly redirect: RequestRedirect;
  readonly signal: AbortSignal | null;
  readonly body = null;
  readonly bodyUsed = false;

  constructor(input: string | URL, init: RequestInit = {}) {
    // The URL as a Request would hold it (normalised; an invalid one throws TypeError here).
    this.url = new URL(input).href;
    this.method = init.method ?? 'GET';
    this.headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    this.redirect = init.redirect ?? 'follow';
    this.signal = init.signal ?? null;
  }

  clone(): this {
    return this;
  }

  /** What any fetch takes: the URL and an init with the same fields. */
  asFetchArguments(init: RequestInit | undefined): [string, RequestInit] {
    return [this.url, { ...init, method: this.method, headers: this.headers, redirect: this.redirect }];
  }
}

/** What `new globalThis.Request(input, init)` becomes in ky's constructor. */
export class KyRequest {
  constructor(input: RequestInfo | URL, init?: RequestInit) {
    const bodyless = init?.body == null && (typeof input === 'string' || input instanceof URL);
    // biome-ignore lint/correctness/noConstructorReturn: one of two classes, by whether there is a body
    return bodyless ? new BodylessRequest(input, init) : new UnlinkedRequest(input, init);
  }
}

/**
 * What `new globalThis.AbortController()` becomes in ky's constructor: ky hands its signal to the
 * Request (which the classes above do not follow) and aborts it only from its own timeout, which
 * the upstream client turns off (`timeout: false`); each attempt is bound by a signal of the
 * client's instead. One real, never-aborted signal serves every call, where ky made an AbortSignal
 * (an EventTarget) per call. Should a ky ever abort it, that fails loudly here.
 */
export class KyAbortController {
  // Made on first use (on Node), not at import: the Worker imports this module too.
  static #neverAborted: AbortSignal | undefined;

  get signal(): AbortSignal {
    KyAbortController.#neverAborted ??= new AbortController().signal;
    return KyAbortController.#neverAborted;
  }

  abort(): never {
    throw new Error(
      'ky aborted its own controller: the upstream client expects ky with timeout: false (transport/ky-construction.ts)',
    );
  }
}
