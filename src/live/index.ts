import { ConfigError } from '../../adapters/errors.js';
import { instrumentAdapter } from '../../adapters/instrument.js';
import type { CustomerAdapter } from '../../adapters/types.js';
import type { SharedStore } from '../store/types.js';
import { createLiveAdapter } from './adapter.js';
import { LIVE_BACKEND, type LiveMigrationConfig } from './config.js';

export { LIVE_BACKEND, parseLiveMigrationEnv, type LiveMigrationConfig } from './config.js';
export { liveMigrationRoutes } from './route.js';

/**
 * Adds the `live` backend to the built backends (deps.ts), composed from its two sides as they
 * were built. A target that cannot look customers up by their migration reference could not
 * tell a moved customer from a new one: refused at start rather than risking duplicates.
 */
export function addLiveBackend(
  config: LiveMigrationConfig,
  backends: Map<string, CustomerAdapter>,
  store: SharedStore,
  requestTimeoutMs: number,
): void {
  const source = backends.get(config.source)!;
  const target = backends.get(config.target)!;
  if (!target.capabilities.externalRefLookup)
    throw new ConfigError(
      'LIVE_MIGRATION',
      `${target.backend} cannot look customers up by externalRef, so moved customers could not be recognised${target.capabilityHints?.externalRefLookup ? `: ${target.capabilityHints.externalRefLookup}` : ''}`,
    );
  const live = createLiveAdapter({
    config,
    source,
    target,
    store,
    // A move is a handful of upstream calls within one request: its lease lapses soon after a crashed holder's deadline.
    leaseTtlMs: requestTimeoutMs + 1000,
    waitMs: requestTimeoutMs,
  });
  backends.set(LIVE_BACKEND, instrumentAdapter(live));
}
