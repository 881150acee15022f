// Captured at import, before @hono/node-server swaps globalThis.Response for its lightweight class
// (whose body methods first rebuild a native Response with a stream around the bytes).
const NativeResponse = globalThis.Response;
const decoder = new TextDecoder();

export interface BufferedInit {
  status: number;
  statusText?: string;
  headers: Headers;
}

/**
 * An upstream answer whose body is already in memory: what `new Response(bytes, init)` is, and
 * tested side by side with it (test/transport/buffered-response.test.ts), without the stream such
 * a Response builds around its bytes and reads back chunk by chunk (more CPU per upstream call
 * than the gateway's own mapping). `text()`, `json()`, `arrayBuffer()` and `bytes()` hand out the
 * bytes held. Whatever needs the stream (`body`, `blob()`, `formData()`) turns it into a real
 * Response over the same bytes, read as far as this one was, which answers everything from then
 * on. It keeps the Headers object it was given instead of copying it.
 */
export class BufferedResponse extends NativeResponse {
  readonly #bytes: Uint8Array<ArrayBuffer> | null;
  readonly #headers: Headers;
  /** Read whole by one of the methods above, before anything asked for the stream. */
  #used = false;
  /** The real Response this one became once something asked for the stream. */
  #real: Response | undefined;

  constructor(bytes: Uint8Array<ArrayBuffer> | null, init: BufferedInit) {
    super(null, { status: init.status, statusText: init.statusText });
    this.#bytes = bytes;
    this.#headers = init.headers;
  }

  override get headers(): Headers {
    return this.#headers;
  }

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    return this.#bytes === null ? null : (this.#stream().body as ReadableStream<Uint8Array<ArrayBuffer>>);
  }

  override get bodyUsed(): boolean {
    return this.#real?.bodyUsed ?? this.#used;
  }

  override async text(): Promise<string> {
    return this.#real ? this.#real.text() : decoder.decode(this.#take());
  }

  override async json(): Promise<any> {
    return this.#real ? this.#real.json() : JSON.parse(decoder.decode(this.#take()));
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    return this.#real ? this.#real.arrayBuffer() : this.#take().slice().buffer;
  }

  override async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return this.#real ? new Uint8Array(await this.#real.arrayBuffer()) : this.#take().slice();
  }

  override blob(): Promise<Blob> {
    return this.#stream().blob();
  }

  override formData(): Promise<FormData> {
    return this.#stream().formData();
  }

  override clone(): Response {
    if (this.#real) return this.#real.clone();
    if (this.#used) throw new TypeError('Response.clone: Body has already been consumed.');
    return new BufferedResponse(this.#bytes, {
      status: this.status,
      statusText: this.statusText,
      headers: new Headers(this.#headers),
    });
  }

  /** The bytes, once (as a Response's body is read once); a null body reads as empty, any number of times. */
  #take(): Uint8Array<ArrayBuffer> {
    if (this.#bytes === null) return new Uint8Array(0);
    if (this.#used) throw new TypeError('Body is unusable: Body has already been read');
    this.#used = true;
    return this.#bytes;
  }

  /** The real Response over the same bytes, consumed already if this one was. */
  #stream(): Response {
    if (this.#real) return this.#real;
    const real = new NativeResponse(this.#bytes, {
      status: this.status,
      statusText: this.statusText,
      headers: this.#headers,
    });
    if (this.#used) void real.arrayBuffer();
    this.#real = real;
    return real;
  }
}
