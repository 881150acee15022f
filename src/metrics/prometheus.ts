import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EventStatsSource, GatewayMetrics } from './metrics.js';

/** Seconds; the top buckets reach the default 30 s request deadline. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The metrics of one Node process in their own registry (not prom-client's global one): the
 * gateway's, plus Node's process metrics (CPU, memory, event-loop lag, GC) under their usual names.
 */
export function createPrometheusMetrics(): GatewayMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: readonly L[] = []) =>
    new Counter<L>({ name, help, labelNames, registers });
  const histogram = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
    new Histogram<L>({ name, help, labelNames, buckets: DURATION_BUCKETS, registers });
  // Registered at the first scrape that has event stats: without the events feature there is no backlog to show.
  const eventGauges = {
    backlog: new Gauge({
      name: 'gateway_events_backlog',
      help: 'Change events not yet delivered, by sink',
      labelNames: ['sink'],
      registers: [],
    }),
    dead: new Gauge({ name: 'gateway_events_dead_letters', help: 'Change events given up on', registers: [] }),
  };
  let eventGaugesRegistered = false;

  return {
    requestDuration: histogram('gateway_http_request_duration_seconds', 'Requests answered, by route template', [
      'route',
      'method',
      'status',
      'backend',
    ]),
    requestsInFlight: new Gauge({
      name: 'gateway_http_requests_in_flight',
      help: 'Requests being answered',
      registers,
    }),
    upstreamCallDuration: histogram(
      'gateway_upstream_call_duration_seconds',
      'Adapter calls to a platform (retries included), by operation and outcome',
      ['backend', 'operation', 'outcome'],
    ),
    upstreamAttempts: counter('gateway_upstream_attempts_total', 'HTTP attempts sent to a platform', [
      'backend',
      'outcome',
      'status',
    ]),
    upstreamRetries: counter('gateway_upstream_retries_total', 'Upstream attempts after the first', ['backend']),
    budgetRefusals: counter(
      'gateway_upstream_budget_refusals_total',
      "Upstream calls refused because the fleet's budget for the platform was spent",
      ['backend'],
    ),
    callerRefusals: counter('gateway_caller_limit_refusals_total', 'Requests refused by CALLER_RATE_LIMIT'),
    idempotencyReplays: counter('gateway_idempotency_replays_total', 'Writes answered from their Idempotency-Key', [
      'backend',
    ]),
    sessionsIssued: counter('gateway_sessions_issued_total', 'Shopper sessions issued', ['flow']),
    sessionsRefused: counter('gateway_sessions_refused_total', 'Shopper sign-ins and refreshes refused', [
      'flow',
      'reason',
    ]),
    liveMoves: counter('gateway_live_migration_moves_total', 'Customers (or passwords) moved by live migration', [
      'kind',
    ]),
    contentType: registry.contentType,
    async render(events?: EventStatsSource) {
      // A failing count leaves the gauges at their last value rather than failing the whole scrape.
      const stats = await events?.stats().catch(() => undefined);
      if (stats) {
        if (!eventGaugesRegistered) {
          registry.registerMetric(eventGauges.backlog);
          registry.registerMetric(eventGauges.dead);
          eventGaugesRegistered = true;
        }
        for (const [sink, count] of Object.entries(stats.backlog)) eventGauges.backlog.set({ sink }, count);
        eventGauges.dead.set(stats.deadLetters);
      }
      return registry.metrics();
    },
  };
}
