import { ConfigError } from '../../../adapters/errors.js';
import type { EventsConfig } from '../config.js';
import type { EventSink } from './types.js';
import { createQueueSink, type QueueProducer } from './queue.js';
import { createWebhookSink, type WebhookSinkOptions } from './webhook.js';

/** One sink per WEBHOOK_URLS entry: each has its own cursor, so one receiver down never holds up another. */
const webhookSinks = (config: EventsConfig, transport: Partial<WebhookSinkOptions> = {}): Promise<EventSink[]> =>
  Promise.all(
    config.webhooks.urls.map((url) => createWebhookSink({ url, secrets: config.webhooks.secrets, ...transport })),
  );

/** Node: webhooks (undici and node:crypto) and NATS; each client is imported only when it is configured. */
export async function openNodeEventSinks(config: EventsConfig): Promise<EventSink[]> {
  const sinks: EventSink[] = [];
  if (config.webhooks.urls.length > 0) {
    const { nodeWebhookTransport } = await import('./webhook-node.js');
    const transport = nodeWebhookTransport(config.webhooks.secrets);
    const hooks = await webhookSinks(config, transport);
    // The pool closes with the last of them.
    hooks[0] = { ...hooks[0]!, close: transport.close };
    sinks.push(...hooks);
  }
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
