import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { GatewayError } from '../../adapters/errors.js';
import {
  CustomerEventSchema,
  type CustomerEvent,
  DeadLetterSchema,
  isSecretEvent,
  PageInfoSchema,
  PageQuerySchema,
  pageSchema,
} from '../../schemas/index.js';
import type { GatewayEnv } from '../context.js';
import { keyReaches } from '../middleware/auth.js';
import { validationHook } from '../middleware/validation.js';
import { body, json, linkNext, problemResponses } from '../routes/support.js';
import type { EventsRuntime } from './index.js';
import { backendOfSource, idsOnly } from './model.js';

const FeedPageInfo = PageInfoSchema.extend({
  caughtUp: z.boolean().openapi({
    description:
      'True when this page read to the end of what is kept: poll again later from `nextCursor`. False: more may follow now (the page is full, or the request read its most entries of other backends and stopped there): ask again at once from `nextCursor`.',
  }),
}).openapi('FeedPageInfo');
const EventPage = pageSchema(CustomerEventSchema, 'EventPage', FeedPageInfo);
const DeadLetterPage = pageSchema(DeadLetterSchema, 'DeadLetterPage', FeedPageInfo);

const FeedQuery = PageQuerySchema.omit({ cursor: true }).extend({
  after: z
    .string()
    .regex(/^\d{1,17}$/, 'must be a cursor from page.nextCursor')
    // A position is an exact integer: beyond 2^53 a number is rounded (and its next cursor would be refused).
    .refine((after) => Number.isSafeInteger(Number(after)), 'must be a cursor from page.nextCursor')
    .optional()
    .openapi({ description: 'Continue after this position (page.nextCursor); absent: from the oldest event kept.' }),
  // Every other list pages with `cursor`: here it would be ignored and the oldest page answered
  // again, so a consumer written for those lists would loop. Refused by name instead.
  cursor: z
    .string()
    .refine(() => false, 'this feed pages with `after` (the value of page.nextCursor)')
    .optional()
    .openapi({ description: 'Not taken here: use `after`.' }),
});
const RedeliverBody = z
  .strictObject({
    sinks: z
      .array(z.string().min(1).max(200))
      .min(1)
      .optional()
      .openapi({ description: 'Only these sinks (as named in the dead letters); absent: every sink it died on.' }),
  })
  .openapi('RedeliverRequest');
const Redelivered = z
  .object({ id: z.string(), sinks: z.array(z.string()).openapi({ description: 'The sinks it is queued for again.' }) })
  .openapi('Redelivered');

const { 400: invalid, 401: noKey, 403: keyRefused, 404: missing, 501: off, 503: unreachable } = problemResponses;
const problems = { 400: invalid, 401: noKey, 403: keyRefused, 501: off, 503: unreachable } as const;

/** A GET of a log in order, paged by `after` (the feed and the dead letters). */
const feedRoute = <Path extends string, R extends object>(
  path: Path,
  operationId: string,
  summary: string,
  page: R,
  description?: string,
) =>
  createRoute({
    method: 'get',
    path,
    operationId,
    tags: ['events'],
    summary,
    ...(description ? { description } : {}),
    request: { query: FeedQuery },
    responses: { 200: page, ...problems },
  });

/** A secret-bearing event's data never leaves through the API. */
const withoutSecrets = (event: CustomerEvent): CustomerEvent =>
  isSecretEvent(event.type) ? { ...event, data: idsOnly(event.data) } : event;

/** Which events the caller may see: an API key limited to some backends (a brand's key) sees theirs only. */
const visibleTo = (c: Context<GatewayEnv>) => (event: CustomerEvent) => keyReaches(c, backendOfSource(event.source));

const SCAN_CHUNK = 1_000;
/**
 * Entries one request reads past those it leaves out before it answers what it has: a key limited
 * to a quiet backend, in a Redis outbox of days of others' events (millions), read them all in one
 * request, which timed out with no cursor to go on from.
 */
const MAX_SCANNED = 10 * SCAN_CHUNK;

/**
 * The page `query` asks for of a log: up to `limit` entries that `shown` keeps, read on past those
 * it leaves out (another backend's events, redeliveries), up to MAX_SCANNED; `caughtUp` when it read
 * to the end.
 */
async function pageOf<T extends { seq: number }>(
  query: { after?: string | undefined; limit: number },
  read: (after: number, limit: number) => Promise<T[]>,
  shown: (entry: T) => boolean,
): Promise<{ items: T[]; page: { limit: number; nextCursor: string; caughtUp: boolean } }> {
  const { limit } = query;
  const items: T[] = [];
  let cursor = Number(query.after ?? 0);
  const page = (caughtUp: boolean) => ({ items, page: { limit, nextCursor: String(cursor), caughtUp } });
  // The first read is the page; reads past hidden entries take SCAN_CHUNK at a time: a key limited to
  // one backend may have to read past many of the others' entries, one `limit` at a time was slow.
  let chunk = limit;
  let scanned = 0;
  for (;;) {
    const entries = await read(cursor, chunk);
    for (const entry of entries) {
      cursor = entry.seq;
      if (shown(entry) && items.push(entry) === limit) return page(false);
    }
    if (entries.length < chunk) return page(true);
    scanned += entries.length;
    if (scanned >= MAX_SCANNED) return page(false);
    chunk = Math.max(limit, SCAN_CHUNK);
  }
}

/**
 * The pull feed and the dead letters (admin keys). Mounted whether or not events are on, so the
 * OpenAPI document always describes them; off, they answer 501 naming how to turn them on.
 */
export function eventRoutes(events: EventsRuntime | undefined) {
  const on = () => {
    if (!events)
      throw new GatewayError(
        'not_supported',
        'change events are off: configure a sink (WEBHOOK_URLS, EVENTS_NATS_URL, an EVENTS_QUEUE binding) or set EVENTS=on',
      );
    return events;
  };
  const tags = ['events'];
  return new OpenAPIHono<GatewayEnv>({ defaultHook: validationHook })
    .openapi(
      feedRoute(
        '/events',
        'listEvents',
        'Change events in the order they were recorded (pull feed, replay)',
        json(EventPage, 'A page of events'),
        'Follow `page.nextCursor` as `after`; `page.caughtUp` says you have read all there is (poll again later from `nextCursor`). A key limited to some backends reads past at most 10,000 events of the others per request: the page may then be empty and not caught up (ask again at once from `nextCursor`). Events are kept EVENTS_RETENTION_HOURS (default 3 days). Secret-bearing types are never listed.',
      ),
      async (c) => {
        const visible = visibleTo(c);
        const { items, page } = await pageOf(
          c.req.valid('query'),
          on().outbox.read,
          (e) => e.to === undefined && !isSecretEvent(e.event.type) && visible(e.event),
        );
        // A feed always has a next position (an empty page: poll it again later).
        linkNext(c, 'after', page.nextCursor, page.limit);
        return c.json({ items: items.map((e) => e.event), page }, 200);
      },
    )
    .openapi(
      feedRoute(
        '/events/dead',
        'listDeadLetters',
        'Events a sink did not take within EVENTS_DEAD_AFTER_SECONDS (default 24 h)',
        json(DeadLetterPage, 'A page of dead letters'),
      ),
      async (c) => {
        const visible = visibleTo(c);
        const { items, page } = await pageOf(c.req.valid('query'), on().outbox.readDead, ({ letter }) =>
          visible(letter.event),
        );
        // A feed always has a next position (an empty page: poll it again later).
        linkNext(c, 'after', page.nextCursor, page.limit);
        return c.json(
          { items: items.map(({ letter }) => ({ ...letter, event: withoutSecrets(letter.event) })), page },
          200,
        );
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/events/{id}/redeliver',
        operationId: 'redeliverEvent',
        tags,
        summary: 'Queue a dead-lettered event for delivery again (after the events queued meanwhile)',
        request: {
          params: z.object({
            id: z
              .string()
              .regex(/^[\x21-\x7e]{1,100}$/, 'is not an event id')
              .openapi({ param: { name: 'id', in: 'path' } }),
          }),
          body: body(RedeliverBody),
        },
        responses: { 202: json(Redelivered, 'Queued again'), 404: missing, ...problems },
      }),
      async (c) => {
        const runtime = on();
        const { id } = c.req.valid('param');
        const wanted = c.req.valid('json').sinks;
        const sinks = runtime.dispatcher.sinks.filter((s) => !wanted || wanted.includes(s));
        // Another backend's dead letter is, for a limited key, no dead letter at all.
        const handed = await runtime.outbox.redeliver(id, sinks, visibleTo(c));
        if (handed.length === 0) throw new GatewayError('not_found', `no dead letter of event ${id}`);
        await runtime.deliver(c);
        return c.json({ id, sinks: handed }, 202);
      },
    );
}

/** The webhook every WEBHOOK_URLS receiver gets, in the OpenAPI document's `webhooks` (registered on the root app). */
export function documentEventWebhook(registry: OpenAPIHono['openAPIRegistry']): void {
  registry.registerWebhook({
    method: 'post',
    path: 'customerEvent',
    operationId: 'customerEventWebhook',
    // The receiver checks webhook-signature (described above) rather than an API key.
    security: [],
    tags: ['events'],
    summary: 'What each WEBHOOK_URLS receiver gets: one CloudEvent per request, signed per Standard Webhooks',
    description:
      'Verify `webhook-signature` (HMAC-SHA256 over `<webhook-id>.<webhook-timestamp>.<body>` with the WEBHOOK_SECRET) before trusting the body, e.g. with the `standardwebhooks` library; deduplicate on `webhook-id` (the event id). Answer 2xx within 10 s; anything else is retried with backoff for EVENTS_DEAD_AFTER_SECONDS, then dead-lettered.',
    request: {
      headers: z.object({
        'webhook-id': z.string().openapi({ description: 'The event id; the same on every retry.' }),
        'webhook-timestamp': z
          .string()
          .openapi({ description: 'Seconds since the epoch when this attempt was signed.' }),
        'webhook-signature': z.string().openapi({ description: 'Space-separated `v1,<base64>` signatures.' }),
      }),
      body: { required: true, content: { 'application/cloudevents+json': { schema: CustomerEventSchema } } },
    },
    responses: { 200: { description: 'Any 2xx: delivered' } },
  });
}
