import { GatewayError } from '../../adapters/errors.js';
import { createKeyedQueue, LeaseBusyError, withLease } from './lease.js';
import type { SharedStore } from './types.js';

export interface ResourceLockOptions {
  /** Also hold a lease in the store, so instances sharing it take turns too (Redis, Durable Objects). */
  fleetWide: boolean;
  /** A lease outlives a crashed holder by at most this. */
  leaseTtlMs: number;
  /** How long a write waits for another instance's lease before answering 409. */
  waitMs: number;
}

/** Runs `fn` as the only holder of one resource (within this instance, and fleet-wide when configured). */
export type ResourceLock = <R>(key: string, signal: AbortSignal, fn: () => Promise<R>) => Promise<R>;

/**
 * Serialises read-compare-write sequences per resource, for backends whose ETags the gateway
 * derives: without it, N requests carrying the same current If-Match all read the same ETag and
 * all write. Within an instance the requests queue in arrival order (no polling); across
 * instances each one in turn holds a short lease in the shared store.
 */
export function createResourceLock(store: SharedStore, options: ResourceLockOptions): ResourceLock {
  const queue = createKeyedQueue();
  return (key, signal, fn) =>
    queue.run(key, async () => {
      signal.throwIfAborted();
      if (!options.fleetWide) return fn();
      try {
        return await withLease(store, `lock:${key}`, { ttlMs: options.leaseTtlMs, waitMs: options.waitMs, signal }, fn);
      } catch (error) {
        if (error instanceof LeaseBusyError) {
          throw new GatewayError(
            'conflict',
            'another write to this resource is in progress on another instance; retry shortly',
            { retryAfter: 1 },
          );
        }
        if (signal.aborted)
          throw new GatewayError(
            'upstream_timeout',
            "the request's deadline passed while another write to this resource held it",
            { cause: error },
          );
        throw error;
      }
    });
}
