import type { Counter, Gauge, Histogram } from 'prom-client';

/** What the events feature reports at each scrape (`deps.events.stats()`). */
export interface EventStats {
  /** Per sink (`webhook`, `nats`, `queue`): events written to the outbox and not yet delivered there. */
  backlog: Record<string, number>;
  /** Events given up on after their retries (dead letters). */
  deadLetters: number;
}

/** Where a scrape reads the event stats from: the events feature, when on (GatewayDeps.events). */
export type EventStatsSource = { stats(): Promise<EventStats> } | undefined;

/**
 * The gateway's Prometheus metrics (prom-client types, imported as types only: Workers never load
 * prom-client). Every label value is bounded: route templates, backend and operation names,
 * statuses and outcome codes, never an id, email or path. On Node (`createPrometheusMetrics`);
 * absent on Workers, so callers write `deps.metrics?.liveMoves.inc(…)`.
 */
export interface GatewayMetrics {
  /** Per answered request; its `_count` counts requests. `route` is the template or `unmatched`. */
  readonly requestDuration: Histogram<'route' | 'method' | 'status' | 'backend'>;
  readonly requestsInFlight: Gauge;
  /** Per adapter call (one canonical operation, retries and token requests included). */
  readonly upstreamCallDuration: Histogram<'backend' | 'operation' | 'outcome'>;
  /** Per HTTP attempt to a platform: `outcome` as in transport/attempt-observer.ts, `status` the answer's ('' if none). */
  readonly upstreamAttempts: Counter<'backend' | 'outcome' | 'status'>;
  /** Attempts after the first (429/5xx answers, connections that failed). */
  readonly upstreamRetries: Counter<'backend'>;
  /** Upstream calls refused because the fleet's budget for the platform was spent (UPSTREAM_BUDGET_*). */
  readonly budgetRefusals: Counter<'backend'>;
  /** Requests refused by CALLER_RATE_LIMIT. */
  readonly callerRefusals: Counter;
  /** Writes answered from their Idempotency-Key record without calling the platform. */
  readonly idempotencyReplays: Counter<'backend'>;
  /** Shopper sessions issued: `flow` login or refresh. */
  readonly sessionsIssued: Counter<'flow'>;
  /** Sign-ins and refreshes refused: `reason` credentials, invalid_token or rate_limited. */
  readonly sessionsRefused: Counter<'flow' | 'reason'>;
  /** Hook for live migration (issue 22): `deps.metrics?.liveMoves.inc({ kind: 'customer' })` (or `password`). */
  readonly liveMoves: Counter<'kind'>;
  /** The Prometheus text exposition; with `events`, the event backlog and dead letters read at the scrape. */
  render(events?: EventStatsSource): Promise<string>;
  readonly contentType: string;
}
