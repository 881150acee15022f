import type { CustomerEvent } from '../../../schemas/index.js';

/**
 * Where events go. One small factory per kind (webhook.ts, nats.ts, queue.ts), each answering
 * this: the dispatcher does ordering, retries and dead letters for all of them alike.
 */
export interface EventSink {
  /** Stable and free of secrets: the sink's cursor, retry state and dead letters are kept under it. */
  readonly name: string;
  /** Deliveries are signed: secret-bearing events may go here (and only here). */
  readonly signed: boolean;
  /** How many customers' events it takes at once (each customer's one after another). */
  readonly concurrency: number;
  /**
   * Resolves once the sink has the event; throws (a DeliveryError, or any error) when it does not.
   * A sink that keeps its own copies and can remove one (a JetStream stream) resolves with where it
   * keeps this one, for `erase`.
   */
  deliver(event: CustomerEvent): Promise<KeptCopy | undefined | void>;
  /** Removes kept copies (what `deliver` answered) for a customer's erasure; resolves with how many it removed. */
  erase?(copies: string[]): Promise<number>;
  close(): Promise<void>;
}

/** Where a sink keeps its copy of an event. */
export interface KeptCopy {
  copy: string;
  /** It had the event already (a redelivery): the copy is that first delivery's, as it was then. */
  earlier: boolean;
}

/** A failed delivery, with what may be said about it (a status, never a body or a secret). */
export class DeliveryError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DeliveryError';
  }
}

/** The one serialisation of an event on the wire (CloudEvents JSON format, structured mode). */
export const CLOUDEVENTS_JSON = 'application/cloudevents+json; charset=utf-8';
