import { Webhook } from 'standardwebhooks';
import type { CustomerEvent } from '../../../schemas/index.js';
import { sha256Hex } from '../../digest.js';
import { CLOUDEVENTS_JSON, DeliveryError, type EventSink } from './types.js';

export interface WebhookSinkOptions {
  url: URL;
  /** `whsec_…` secrets; each signs (several during a rotation: the receiver accepts any one). */
  secrets: string[];
  fetch?: typeof fetch;
  /** One attempt's limit; a slower receiver counts as failed (and is retried). */
  timeoutMs?: number;
}

/**
 * A webhook per the Standard Webhooks specification: POST of the CloudEvent (structured mode),
 * signed with `webhook-id` (the event id, the same on every retry: receivers deduplicate on it),
 * `webhook-timestamp` and `webhook-signature` (HMAC-SHA256 by the reference library). 2xx is
 * delivered; anything else, a redirect, a timeout or a refused connection is retried.
 */
export async function createWebhookSink(options: WebhookSinkOptions): Promise<EventSink> {
  const signers = options.secrets.map((secret) => new Webhook(secret));
  const doFetch: typeof fetch = options.fetch ?? ((input, init) => fetch(input, init));
  const timeoutMs = options.timeoutMs ?? 10_000;
  const target = options.url.href;
  // The name is kept in the store and shown in dead letters: the host, not a path or query that may hold a token.
  const name = `webhook:${options.url.host}:${(await sha256Hex(target)).slice(0, 10)}`;
  return {
    name,
    signed: true,
    concurrency: 16,
    async deliver(event: CustomerEvent) {
      const body = JSON.stringify(event);
      const now = new Date();
      const response = await doFetch(target, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
        headers: {
          'content-type': CLOUDEVENTS_JSON,
          'user-agent': 'customer-gateway-webhooks',
          'webhook-id': event.id,
          'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
          'webhook-signature': signers.map((s) => s.sign(event.id, now, body)).join(' '),
        },
        body,
      }).catch((error: unknown) => {
        throw new DeliveryError(`webhook unreachable (${error instanceof Error ? error.name : 'error'})`, {
          cause: error,
        });
      });
      // The body is not ours to keep; drain it so the connection can be reused.
      await response.arrayBuffer().catch(() => undefined);
      if (response.status < 200 || response.status > 299)
        throw new DeliveryError(`webhook answered ${response.status}`);
    },
    close: async () => {},
  };
}
