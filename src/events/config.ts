import { z } from 'zod';
import { ConfigError } from '../../adapters/errors.js';
import { commaList, parseEnvSlice } from '../../adapters/options.js';

export type EventsPayload = 'ids' | 'full';

export interface EventsConfig {
  /** EVENTS: `on`, `off`, or `auto` (on once any sink is configured: webhooks, NATS, a queue binding). */
  mode: 'auto' | 'on' | 'off';
  /** EVENTS_PAYLOAD: ids and changed paths only (no personal data), or the canonical resource too. */
  payload: EventsPayload;
  /** EVENTS_SOURCE: the CloudEvents `source` prefix; `/backends/<backend>` follows. */
  source: string;
  /** EVENTS_POLL_SECONDS: how often changes made outside the gateway are looked for; 0 = never. */
  pollSeconds: number;
  /** EVENTS_RETENTION_HOURS: how long the outbox (the pull feed) and dead letters are kept. */
  retentionMs: number;
  /** EVENTS_DEAD_AFTER_SECONDS: an event not delivered for this long is dead-lettered. */
  deadAfterMs: number;
  /** EVENTS_BACKOFF_MS=<first>/<max>: the retry delay doubles from `first` up to `max`. */
  backoff: { firstMs: number; maxMs: number };
  /** EVENTS_LEASE_MS: a dead dispatcher's or poller's lease passes to another instance after this. */
  leaseMs: number;
  webhooks: { urls: URL[]; secrets: string[] };
  nats?: { servers: string[]; stream: string; subject: string };
}

const whole = (min: number, max: number) =>
  z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().min(min).max(max));

const EventsEnv = z.object({
  EVENTS: z.enum(['auto', 'on', 'off']).default('auto'),
  EVENTS_PAYLOAD: z.enum(['ids', 'full']).default('ids'),
  EVENTS_SOURCE: z
    .string()
    .regex(/^[\x21-\x7e]{1,200}$/, 'must be a URI reference without spaces')
    .default('/customer-gateway'),
  EVENTS_POLL_SECONDS: whole(0, 86_400).default(60),
  EVENTS_RETENTION_HOURS: whole(1, 24 * 90).default(72),
  EVENTS_DEAD_AFTER_SECONDS: whole(1, 86_400 * 30).default(86_400),
  EVENTS_BACKOFF_MS: z
    .string()
    .regex(/^\d{1,9}\/\d{1,9}$/, 'must be <firstMs>/<maxMs>, e.g. 1000/300000')
    .transform((text) => {
      const [firstMs, maxMs] = text.split('/').map(Number) as [number, number];
      return { firstMs, maxMs };
    })
    .refine((b) => b.firstMs >= 10 && b.maxMs >= b.firstMs, 'first ≥ 10 ms and max ≥ first')
    .default({ firstMs: 1000, maxMs: 300_000 }),
  EVENTS_LEASE_MS: whole(500, 600_000).default(10_000),
  WEBHOOK_URLS: z.string().optional(),
  WEBHOOK_SECRET: z.string().optional(),
  EVENTS_NATS_URL: z.string().optional(),
  EVENTS_NATS_STREAM: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - (a JetStream stream name)')
    .default('CUSTOMER_EVENTS'),
  EVENTS_NATS_SUBJECT: z
    .string()
    .regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'dot-separated tokens of letters, digits, _ and -')
    .default('customer-events'),
});

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** https: only, except on loopback (a receiver on this machine, tests). */
function webhookUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError('WEBHOOK_URLS', 'holds an entry that is not a URL');
  }
  if (url.username || url.password)
    throw new ConfigError('WEBHOOK_URLS', 'must not carry credentials (receivers check WEBHOOK_SECRET signatures)');
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.test(url.hostname)))
    throw new ConfigError('WEBHOOK_URLS', 'takes https: URLs only (http: only for a loopback host)');
  return url;
}

/**
 * The key a `whsec_…` secret (Standard Webhooks) stands for: the bytes after `whsec_`, base64.
 * The one decoding of it, for signing (webhook-node.ts on Node, the reference library elsewhere)
 * and sealing (seal.ts) alike; WEBHOOK_SECRET is checked with it at start, so later callers only
 * see secrets that decode.
 */
export function webhookSecretKey(secret: string): Uint8Array<ArrayBuffer> {
  const base64 = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(secret)?.[1];
  if (base64 === undefined) throw new RangeError('not whsec_ followed by base64');
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

/** `whsec_` + base64 of 24 to 64 random bytes (Standard Webhooks); several, comma-separated, during a rotation. */
function webhookSecrets(value: string | undefined): string[] {
  const secrets = commaList(value);
  if (secrets.length === 0) throw new ConfigError('WEBHOOK_SECRET', 'is required with WEBHOOK_URLS');
  for (const secret of secrets) {
    let length = 0;
    try {
      length = webhookSecretKey(secret).length;
    } catch {}
    if (length < 24 || length > 64)
      throw new ConfigError('WEBHOOK_SECRET', 'must be whsec_ followed by base64 of 24 to 64 random bytes');
  }
  return secrets;
}

function natsServers(value: string): string[] {
  const servers = commaList(value);
  for (const server of servers)
    if (!/^(nats|tls|wss?):\/\/[^\s/]+(:\d+)?\/?$/.test(server) && !/^[\w.-]+:\d+$/.test(server))
      throw new ConfigError('EVENTS_NATS_URL', 'must be nats://host:port (comma-separated for a cluster)');
  if (servers.length === 0) throw new ConfigError('EVENTS_NATS_URL', 'names no server');
  return servers;
}

/** Pure: the events configuration, or a ConfigError naming the variable (never its value). */
export function parseEventsEnv(env: Record<string, string | undefined>): EventsConfig {
  const e = parseEnvSlice(EventsEnv, env);
  const urls = commaList(e.WEBHOOK_URLS).map(webhookUrl);
  const retentionMs = e.EVENTS_RETENTION_HOURS * 3_600_000;
  const deadAfterMs = e.EVENTS_DEAD_AFTER_SECONDS * 1000;
  if (deadAfterMs >= retentionMs)
    throw new ConfigError('EVENTS_DEAD_AFTER_SECONDS', 'must be shorter than EVENTS_RETENTION_HOURS');
  return {
    mode: e.EVENTS,
    payload: e.EVENTS_PAYLOAD,
    source: e.EVENTS_SOURCE.replace(/\/+$/, ''),
    pollSeconds: e.EVENTS_POLL_SECONDS,
    retentionMs,
    deadAfterMs,
    backoff: e.EVENTS_BACKOFF_MS,
    leaseMs: e.EVENTS_LEASE_MS,
    webhooks: { urls, secrets: urls.length > 0 ? webhookSecrets(e.WEBHOOK_SECRET) : [] },
    ...(e.EVENTS_NATS_URL
      ? {
          nats: {
            servers: natsServers(e.EVENTS_NATS_URL),
            stream: e.EVENTS_NATS_STREAM,
            subject: e.EVENTS_NATS_SUBJECT,
          },
        }
      : {}),
  };
}
