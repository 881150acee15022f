import type { Context } from 'hono';
import type { CustomerAdapter, Log } from '../../adapters/types.js';
import type { AttemptObserver } from '../../transport/attempt-observer.js';
import type { GatewayEnv } from '../context.js';
import type { SharedStore } from '../store/types.js';
import type { EventsConfig } from './config.js';
import { COUNT_CAP, createDispatcher } from './dispatcher.js';
import { eventsErasureStep } from './erasure.js';
import { createHeldEvents } from './held.js';
import { buildEvent, type EventDraft, eventIds } from './model.js';
import { createOutbox } from './outbox.js';
import { createPoller } from './poller.js';
import { createSealer } from './seal.js';
import { createSnapshots } from './snapshots.js';
import type { EventSink } from './sinks/types.js';

export interface EventsDeps {
  store: SharedStore;
  log: Log;
  /** The sinks the entry opened (webhooks everywhere, NATS on Node, the queue on Workers). */
  sinks: EventSink[];
  backends: Map<string, CustomerAdapter>;
  /** Workers: no background loop; each write's events are delivered within its invocation (waitUntil). */
  deliverInline?: boolean | undefined;
  /** STORE is shared (Redis, Durable Objects): the outbox outlives a crash of this process. */
  durableStore: boolean;
  /** The poller's upstream attempts are traced and counted like a request's. */
  observeAttempt?: AttemptObserver | undefined;
}

/** How long one Workers invocation delivers after a write, or from the cron trigger. */
const INLINE_BUDGET_MS = 20_000;

/**
 * Change events: the outbox every write appends to before it is answered, the dispatcher that
 * delivers to the sinks, the poller that finds changes made elsewhere, and their counts.
 * Undefined when events are off (EVENTS=off, or `auto` without a sink).
 */
export function createEvents(config: EventsConfig, deps: EventsDeps) {
  if (config.mode === 'off' || (config.mode === 'auto' && deps.sinks.length === 0)) return undefined;
  const { store, log } = deps;
  if (!deps.durableStore)
    log.warn(
      { variable: 'STORE' },
      'change events are on with STORE=memory: events not yet delivered are lost if this process dies; use a shared STORE',
    );
  // Secret-bearing events are recorded only where a signed sink (a webhook) can take them, sealed.
  const signedSinks = deps.sinks.filter((s) => s.signed).map((s) => s.name);
  const sealer =
    signedSinks.length > 0 && config.webhooks.secrets.length > 0
      ? createSealer(store, { secrets: config.webhooks.secrets, signedSinks })
      : undefined;
  const outbox = createOutbox(store, config.retentionMs, sealer);
  const held = createHeldEvents(store, outbox, config.source, deps.sinks);
  const dispatcher = createDispatcher({
    store,
    log: log.child({ component: 'events' }),
    outbox,
    sinks: deps.sinks,
    backoff: config.backoff,
    deadAfterMs: config.deadAfterMs,
    retentionMs: config.retentionMs,
    leaseMs: config.leaseMs,
  });
  const settings = { source: config.source, payload: config.payload };
  const snapshots = createSnapshots(store, config.retentionMs);
  const record = async (drafts: EventDraft[], seed?: string) => {
    if (drafts.length === 0) return;
    const ids = await eventIds(drafts.length, seed);
    const time = new Date();
    await outbox.append(drafts.map((draft, i) => buildEvent(draft, ids[i]!, time, settings)));
  };
  /**
   * Has recorded events delivered now: wakes the Node loop; on Workers delivers after `c`'s answer,
   * or, without a request to wait for (a background task, which the runtime keeps alive already),
   * within this call.
   */
  const deliver = async (c?: Context<GatewayEnv>): Promise<void> => {
    if (!deps.deliverInline) dispatcher.wake();
    else if (c) c.executionCtx.waitUntil(dispatcher.drain(INLINE_BUDGET_MS));
    else await dispatcher.drain(INLINE_BUDGET_MS);
  };
  const poller =
    config.pollSeconds > 0
      ? createPoller({ ...deps, snapshots, record, intervalMs: config.pollSeconds * 1000, leaseMs: config.leaseMs })
      : undefined;

  return {
    config,
    outbox,
    dispatcher,
    poller,

    /** Records a write's events in the outbox (before the answer), then has them delivered. */
    async record(c: Context<GatewayEnv>, drafts: EventDraft[]): Promise<void> {
      await record(drafts, c.get('eventIdSeed'));
      // The poller compares what it finds with what the gateway wrote, so it does not announce it again.
      if (poller) await snapshots.remember(drafts.filter((d) => poller.polls(d.backend)));
      await deliver(c);
    },
    deliver,

    /** Records events that are not a route's write (the account events): random ids, no snapshot; then `deliver(c)`. */
    async recordAndDeliver(drafts: EventDraft[], c?: Context<GatewayEnv>): Promise<void> {
      await record(drafts);
      await deliver(c);
    },
    held,
    /** The erasure step of the events feature (deps.accounts.erasureSteps). */
    erasureStep: () => eventsErasureStep(held, snapshots),

    /** Node: starts delivering and polling in the background. */
    start(): void {
      dispatcher.start();
      poller?.start();
    },

    /** Node, on SIGTERM: delivers what is due (bounded), stops polling, gives the leases back. */
    async stop(): Promise<void> {
      await Promise.all([dispatcher.stop(), poller?.stop()]);
    },

    /** Workers' cron trigger: one poll and one round of retries, each under its lease. */
    async scheduled(): Promise<void> {
      await poller?.pollOnce();
      await dispatcher.drain(INLINE_BUDGET_MS);
    },

    /** For metrics (issue 25): events waiting per sink, and dead letters kept. */
    async stats(): Promise<{ backlog: Record<string, number>; deadLetters: number }> {
      const [backlog, deadLetters] = await Promise.all([dispatcher.backlog(), outbox.countDead(COUNT_CAP)]);
      return { backlog, deadLetters };
    },
  };
}

export type EventsRuntime = NonNullable<ReturnType<typeof createEvents>>;
