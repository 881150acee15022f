import { ConfigError } from '../../adapters/errors.js';
import { instrumentAdapter } from '../../adapters/instrument.js';
import type { CallContext, CustomerAdapter } from '../../adapters/types.js';
import type { SharedStore } from '../store/types.js';
import { createLiveAdapter } from './adapter.js';
import { LIVE_BACKEND, type LiveMigrationConfig } from './config.js';
import { createMover } from './mover.js';
import { createIdentityMap } from './records.js';

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

/**
 * What `npm run migrate` takes when it shares the gateway's store (STORE=redis): each customer is
 * moved under the same lease and record as `live` moves it, so a batch run and live traffic can
 * run side by side without ever creating a customer twice; customers `live` already moved are
 * skipped, never "completed" from a source copy their edits have left behind.
 */
export function batchMoveClaim(store: SharedStore, source: CustomerAdapter, target: CustomerAdapter, ctx: CallContext) {
  const identities = createIdentityMap(store, source.backend, target.backend);
  // A batch customer is a few calls; a crashed run's lease lapses after a minute.
  return createMover({ source, target, store, identities, leaseTtlMs: 60_000, waitMs: 60_000 }).claimFor(ctx);
}
