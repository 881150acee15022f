import type { CallObserver } from '../../adapters/instrument.js';
import { type AttemptObserver, attemptOutcome } from '../../transport/attempt-observer.js';
import type { GatewayMetrics } from '../metrics/metrics.js';
import type { Tracing } from './tracing.js';

/**
 * What instrumentAdapter tells of each call (metrics: duration by backend, operation and outcome)
 * and how it runs it (traces: the upstream attempts it makes are named for it). Nothing when both
 * are off.
 */
export function callObserver(
  backend: string,
  tracing: Tracing | undefined,
  metrics: GatewayMetrics | undefined,
): CallObserver {
  return {
    ...(tracing ? { around: <T>(method: string, run: () => Promise<T>) => tracing.withOperation(method, run) } : {}),
    ...(metrics
      ? {
          ended: (operation: string, seconds: number, outcome: string) =>
            metrics.upstreamCallDuration.observe({ backend, operation, outcome }, seconds),
        }
      : {}),
  };
}

/** What the upstream client is told of each attempt: a span (traces) and the attempt counters (metrics). */
export function observeAttempts(
  tracing: Tracing | undefined,
  metrics: GatewayMetrics | undefined,
): AttemptObserver | undefined {
  if (!metrics) return tracing?.observeAttempt;
  return (attempt) => {
    const traced = tracing?.observeAttempt(attempt);
    if (attempt.number > 1) metrics.upstreamRetries.inc({ backend: attempt.backend });
    return (end) => {
      traced?.(end);
      metrics.upstreamAttempts.inc({
        backend: attempt.backend,
        outcome: attemptOutcome(end),
        status: end.status ?? '',
      });
    };
  };
}
