import { isGatewayError } from '../../adapters/errors.js';
import { ADAPTER_METHODS } from '../../adapters/instrument.js';
import type { CustomerAdapter } from '../../adapters/types.js';
import { type AttemptObserver, attemptOutcome } from '../../transport/attempt-observer.js';
import type { GatewayMetrics } from '../metrics/metrics.js';
import type { Tracing } from './tracing.js';

/**
 * The adapter with each call measured (metrics: duration by backend, operation and outcome) and
 * named for the upstream attempts it makes (traces). The adapter itself when both are off.
 */
export function observeAdapter(
  adapter: CustomerAdapter,
  tracing: Tracing | undefined,
  metrics: GatewayMetrics | undefined,
): CustomerAdapter {
  if (!tracing && !metrics) return adapter;
  const observed = Object.create(adapter) as CustomerAdapter;
  for (const method of ADAPTER_METHODS) {
    if (typeof adapter[method] !== 'function') continue;
    const original = (adapter[method] as (...args: unknown[]) => Promise<unknown>).bind(adapter);
    const run = tracing
      ? (args: unknown[]) => tracing.withOperation(method, () => original(...args))
      : (args: unknown[]) => original(...args);
    (observed as unknown as Record<string, unknown>)[method] = metrics
      ? async (...args: unknown[]) => {
          const started = performance.now();
          let outcome = 'ok';
          try {
            return await run(args);
          } catch (error) {
            outcome = isGatewayError(error) ? error.code : 'internal';
            throw error;
          } finally {
            metrics.upstreamCallDuration.observe(
              { backend: adapter.backend, operation: method, outcome },
              (performance.now() - started) / 1000,
            );
          }
        }
      : (...args: unknown[]) => run(args);
  }
  return observed;
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
