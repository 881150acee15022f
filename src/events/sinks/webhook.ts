import { Webhook } from 'standardwebhooks';
import type { CustomerEvent } from '../../../schemas/index.js';
import { sha256Hex } from '../../digest.js';
import { webhookSecretKey } from '../config.js';
import { CLOUDEVENTS_JSON, DeliveryError, type EventSink } from './types.js';

/** How a runtime sends one webhook request: resolves with the status, rejects when no answer came. */
export type WebhookPost = (
  url: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
) => Promise<number>;

/** Makes the `webhook-signature` value: `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">` per secret. */
export type WebhookSigner = (id: string, timestamp: Date, body: string) => string;

/** The Standard Webhooks reference library signs (everywhere; on Node, webhook-node.ts signs natively). */
const referenceSigner = (secrets: string[]): WebhookSigner => {
  // Each secret decoded once (by webhookSecretKey, as for sealing and Node's signing), not per delivery.
  const signers = secrets.map((secret) => new Webhook(webhookSecretKey(secret), { format: 'raw' }));
  return (id, timestamp, body) => signers.map((signer) => signer.sign(id, timestamp, body)).join(' ');
};

/** The runtime's fetch: no redirects followed, the body drained so the connection is reused. */
const fetchPost =
  (doFetch: typeof fetch = (input, init) => fetch(input, init)): WebhookPost =>
  async (url, headers, body, timeoutMs) => {
    const response = await doFetch(url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers,
      body,
    });
    await response.arrayBuffer().catch(() => undefined);
    return response.status;
  };

export interface WebhookSinkOptions {
  url: URL;
  /** `whsec_…` secrets; each signs (several during a rotation: the receiver accepts any one). */
  secrets: string[];
  post?: WebhookPost;
  sign?: WebhookSigner;
  /** One attempt's limit; a slower receiver counts as failed (and is retried). */
  timeoutMs?: number;
}

/**
 * A webhook per the Standard Webhooks specification: POST of the CloudEvent (structured mode),
 * signed with `webhook-id` (the event id, the same on every retry: receivers deduplicate on it),
 * `webhook-timestamp` and `webhook-signature` (HMAC-SHA256). 2xx is delivered; anything else, a
 * redirect, a timeout or a refused connection is retried.
 */
export async function createWebhookSink(options: WebhookSinkOptions): Promise<EventSink> {
  const sign = options.sign ?? referenceSigner(options.secrets);
  const post = options.post ?? fetchPost();
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
      const headers = {
        'content-type': CLOUDEVENTS_JSON,
        'user-agent': 'customer-gateway-webhooks',
        'webhook-id': event.id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': sign(event.id, now, body),
      };
      const status = await post(target, headers, body, timeoutMs).catch((error: unknown) => {
        throw new DeliveryError(`webhook unreachable (${error instanceof Error ? error.name : 'error'})`, {
          cause: error,
        });
      });
      if (status < 200 || status > 299) throw new DeliveryError(`webhook answered ${status}`);
    },
    close: async () => {},
  };
}
