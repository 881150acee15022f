import { createHmac } from 'node:crypto';
import { webhookSecretKey } from '../config.js';
import type { WebhookPost, WebhookSigner } from './webhook.js';
import { webhookSenderThread } from './webhook-thread.js';

/**
 * Node's webhook transport: HMAC-SHA256 by node:crypto (native; the reference library hashes in
 * JavaScript, ~10× the CPU per event), and undici's request on a keep-alive pool of its own, sent
 * from a thread of its own (webhook-thread.ts). The tests verify these signatures with the
 * reference library and with an HMAC computed by hand.
 */
export function nodeWebhookTransport(secrets: string[]): {
  post: WebhookPost;
  sign: WebhookSigner;
  close(): Promise<void>;
} {
  const keys = secrets.map(webhookSecretKey);
  const sender = webhookSenderThread();
  return {
    sign: (id, timestamp, body) =>
      keys
        .map(
          (key) =>
            `v1,${createHmac('sha256', key)
              .update(`${id}.${Math.floor(timestamp.getTime() / 1000)}.${body}`)
              .digest('base64')}`,
        )
        .join(' '),
    post: sender.post,
    close: sender.close,
  };
}
