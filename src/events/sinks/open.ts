import { ConfigError } from '../../../adapters/errors.js';
import type { EventsConfig } from '../config.js';
import type { EventSink } from './types.js';
import { createQueueSink, type QueueProducer } from './queue.js';
import { createWebhookSink } from './webhook.js';

/** One sink per WEBHOOK_URLS entry: each has its own cursor, so one receiver down never holds up another. */
export const webhookSinks = (config: EventsConfig, fetch?: typeof globalThis.fetch): Promise<EventSink[]> =>
  Promise.all(config.webhooks.urls.map((url) => createWebhookSink({ url, secrets: config.webhooks.secrets, fetch })));

/** Node: webhooks and NATS (its client is imported only when EVENTS_NATS_URL is set). */
export async function openNodeEventSinks(config: EventsConfig, fetch?: typeof globalThis.fetch): Promise<EventSink[]> {
  const sinks = await webhookSinks(config, fetch);
  if (config.nats) {
    const { createNatsSink } = await import('./nats.js');
    try {
      sinks.push(await createNatsSink({ ...config.nats, maxAgeMs: config.retentionMs }));
    } catch {
      throw new ConfigError('EVENTS_NATS_URL', 'names a NATS server with JetStream that could not be reached');
    }
  }
  return sinks;
}

/** Workers: webhooks and the EVENTS_QUEUE producer binding. NATS is for Node. */
export async function openWorkerEventSinks(config: EventsConfig, env: Record<string, unknown>): Promise<EventSink[]> {
  if (config.nats) throw new ConfigError('EVENTS_NATS_URL', 'is for Node; on Workers bind a queue as EVENTS_QUEUE');
  const sinks = await webhookSinks(config);
  const queue = env.EVENTS_QUEUE as QueueProducer | undefined;
  if (queue && typeof queue.send === 'function') sinks.push(createQueueSink(queue));
  return sinks;
}
