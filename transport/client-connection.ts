/** The parts of Node's ServerResponse read here (no import: this module is bundled for Workers too). */
interface NodeServerResponse {
  readonly closed: boolean;
  readonly writableFinished: boolean;
  on(event: 'close', listener: () => void): unknown;
  removeListener(event: 'close', listener: () => void): unknown;
}

const isNodeServerResponse = (value: unknown): value is NodeServerResponse =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as NodeServerResponse).on === 'function' &&
  'writableFinished' in value;

/**
 * The client's connection as an abort source for deadlines (transport/deadline.ts): it has aborted
 * when the connection closed before the answer was written, the rule @hono/node-server applies to
 * the Request's signal. Listening on the ServerResponse costs an EventEmitter listener; reading
 * `c.req.raw.signal` makes @hono/node-server build an AbortController and its AbortSignal (an
 * EventTarget with two Maps, ~4 µs on Node 20) for every request that calls a platform.
 */
export class ClientConnection {
  readonly #response: NodeServerResponse;

  constructor(response: NodeServerResponse) {
    this.#response = response;
  }

  get aborted(): boolean {
    return this.#response.closed && !this.#response.writableFinished;
  }

  get reason(): unknown {
    return this.aborted ? new DOMException('The client closed the connection.', 'AbortError') : undefined;
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    this.#response.on('close', listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    this.#response.removeListener('close', listener);
  }

  /** The connection of a request served by @hono/node-server (`c.env.outgoing`), if that is what `bindings` holds. */
  static of(bindings: unknown): ClientConnection | undefined {
    const outgoing =
      typeof bindings === 'object' && bindings !== null ? (bindings as { outgoing?: unknown }).outgoing : undefined;
    return isNodeServerResponse(outgoing) ? new ClientConnection(outgoing) : undefined;
  }
}
