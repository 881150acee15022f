import { createHmac } from 'node:crypto';
import { Agent, request } from 'undici';
import { webhookSecretKey } from '../config.js';
import type { WebhookPost, WebhookSigner } from './webhook.js';

/**
 * Node's webhook transport: undici's request on a keep-alive pool of its own, and HMAC-SHA256 by
 * node:crypto (native; the reference library hashes in JavaScript, ~10× the CPU per event). The
 * tests verify these signatures with the reference library and with an HMAC computed by hand.
 */
export function nodeWebhookTransport(secrets: string[]): {
  post: WebhookPost;
  sign: WebhookSigner;
  close(): Promise<void>;
} {
  const keys = secrets.map(webhookSecretKey);
  const agent = new Agent({ connections: 32, keepAliveTimeout: 30_000 });
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
    async post(url, headers, body, timeoutMs) {
      const response = await request(url, {
        method: 'POST',
        headers,
        body,
        dispatcher: agent,
        // undici's own timers, not an AbortSignal per request (cheaper; the same limit). No
        // redirects: undici.request follows none unless told to.
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      await response.body.dump();
      return response.statusCode;
    },
    close: () => agent.close(),
  };
}
