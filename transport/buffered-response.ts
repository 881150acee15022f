// Captured at import, before @hono/node-server swaps globalThis.Response for its lightweight class
// (whose body methods first rebuild a native Response with a stream around the bytes).
const NativeResponse = globalThis.Response;
const decoder = new TextDecoder();

/**
 * What every Response subclass of ours shares: json(), bytes() and blob() through the subclass's
 * own text() and arrayBuffer() (the base class's would read the empty body given to super()).
 */
export abstract class WholeBodyResponse extends NativeResponse {
  abstract override text(): Promise<string>;
  abstract override arrayBuffer(): Promise<ArrayBuffer>;

  override async json(): Promise<any> {
    return JSON.parse(await this.text());
  }

  override async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array(await this.arrayBuffer());
  }

  override async blob(): Promise<Blob> {
    return new Blob([await this.arrayBuffer()], { type: this.headers.get('content-type') ?? '' });
  }
}

export interface BufferedInit {
  status: number;
  statusText?: string;
  headers: Headers;
}

/**
 * A Response whose body is already in memory: `text()`, `json()`, `arrayBuffer()` hand out the
 * bytes held, and a ReadableStream is made only if someone asks for `body`. A Response built
 * from bytes the usual way wraps them in a stream and reads it back chunk by chunk, which cost
 * the gateway more CPU per request than its own mapping. It is a real Response (instanceof,
 * `clone()`, `bodyUsed`), and it keeps the Headers object it was given instead of copying it.
 */
export class BufferedResponse extends WholeBodyResponse {
  readonly #bytes: Uint8Array<ArrayBuffer> | null;
  readonly #headers: Headers;
  #stream: ReadableStream<Uint8Array<ArrayBuffer>> | null | undefined;
  #used = false;

  constructor(bytes: Uint8Array<ArrayBuffer> | null, init: BufferedInit) {
    super(null, { status: init.status, statusText: init.statusText });
    this.#bytes = bytes;
    this.#headers = init.headers;
  }

  override get headers(): Headers {
    return this.#headers;
  }

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> | null {
    if (this.#stream === undefined) {
      const bytes = this.#bytes;
      this.#stream =
        bytes === null
          ? null
          : new ReadableStream<Uint8Array<ArrayBuffer>>({
              start: (controller) => {
                if (!this.#used && bytes.byteLength > 0) controller.enqueue(bytes.slice());
                this.#used = true;
                controller.close();
              },
            });
    }
    return this.#stream;
  }

  override get bodyUsed(): boolean {
    return this.#used;
  }

  /** The bytes, once: a second read fails as it does on any Response. */
  #take(): Uint8Array<ArrayBuffer> {
    if (this.#used) throw new TypeError('Body is unusable: body has already been read');
    this.#used = true;
    return this.#bytes ?? new Uint8Array(0);
  }

  override async text(): Promise<string> {
    return decoder.decode(this.#take());
  }

  override async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.#take();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  override clone(): BufferedResponse {
    if (this.#used) throw new TypeError('Response.clone: body has already been used');
    return new BufferedResponse(this.#bytes, {
      status: this.status,
      statusText: this.statusText,
      headers: new Headers(this.#headers),
    });
  }
}
