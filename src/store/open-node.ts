import { ConfigError } from '../../adapters/errors.js';
import type { Log } from '../../adapters/types.js';
import type { StoreConfig } from '../env.js';
import type { SharedStore } from './types.js';

/**
 * The Node entries' store: Redis when STORE=redis, else none (createDeps then uses memory). The
 * Redis client is imported only then: bundled, it is a chunk of its own that a gateway without a
 * shared store never reads (~5 MB of heap and ~20 MB of RSS for node-redis and its modules).
 */
export async function openNodeStore(config: StoreConfig, log: Log): Promise<SharedStore | undefined> {
  if (config.kind === 'memory') return undefined;
  if (config.kind === 'durable-objects')
    throw new ConfigError('STORE', 'durable-objects is for the Workers entry; use redis on Node');
  const { createRedisStore } = await import('./redis.js');
  try {
    return await createRedisStore({
      url: config.url,
      prefix: config.prefix,
      onError: (error) =>
        log.warn({ err: { message: error.message } }, 'shared store (Redis) connection error; reconnecting'),
    });
  } catch {
    // The cause may quote the URL, and the URL may hold a password.
    throw new ConfigError('REDIS_URL', 'names a Redis that could not be reached');
  }
}
