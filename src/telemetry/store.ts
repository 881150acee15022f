import { type ContextManager, SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import { ATTR_DB_OPERATION_NAME, ATTR_DB_SYSTEM_NAME } from '@opentelemetry/semantic-conventions';
import { type SharedStore, STORE_OPERATIONS, type StoreOperation } from '../store/types.js';

/** What a key is for (`idempotency`, `budget`, `session`, …): its first segment, never the rest (it may name a caller). */
const keyKind = (key: unknown) =>
  typeof key === 'string' ? key.slice(0, Math.max(0, key.indexOf(':'))) || 'other' : 'other';

/**
 * The shared store with a CLIENT span per call made within a traced request (`store get`, …):
 * the store's system (memory, redis, durable_objects), the operation and what the key is for.
 */
export function tracedStore(store: SharedStore, system: string, tracer: Tracer, contexts: ContextManager): SharedStore {
  const traced = { close: () => store.close() } as SharedStore;
  for (const method of Object.keys(STORE_OPERATIONS) as StoreOperation[]) {
    const original = (store[method] as (...args: unknown[]) => Promise<unknown>).bind(store);
    (traced as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      const active = contexts.active();
      if (!trace.getSpan(active)) return original(...args);
      const span = tracer.startSpan(
        `store ${method}`,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            [ATTR_DB_SYSTEM_NAME]: system,
            [ATTR_DB_OPERATION_NAME]: method,
            'gateway.store.key_kind': keyKind(args[0]),
          },
        },
        active,
      );
      return contexts
        .with(trace.setSpan(active, span), () => original(...args))
        .then(
          (result) => {
            span.end();
            return result;
          },
          (error: unknown) => {
            span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.name : 'error' });
            span.end();
            throw error;
          },
        );
    };
  }
  return traced;
}
