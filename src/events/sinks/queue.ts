import type { EventSink } from './types.js';

/** The part of a Cloudflare Queues producer binding used here (structural, so Node type-checks it). */
export interface QueueProducer {
  send(body: unknown, options?: { contentType?: 'json' | 'text' | 'bytes' | 'v8' }): Promise<void>;
}

/**
 * Cloudflare Queues (Workers): each event is one JSON message on the queue bound as EVENTS_QUEUE.
 * `send` resolves once Queues has persisted it; Queues delivers at least once to its consumers,
 * who deduplicate on the event id.
 */
export function createQueueSink(queue: QueueProducer, binding = 'EVENTS_QUEUE'): EventSink {
  return {
    name: `queue:${binding}`,
    signed: false,
    concurrency: 16,
    deliver: (event) => queue.send(event, { contentType: 'json' }),
    close: async () => {},
  };
}
