import { ConfigError, isNotFound } from '../../adapters/errors.js';
import { capable } from '../../adapters/unsupported.js';
import { type CallObserver, instrumentAdapter } from '../../adapters/instrument.js';
import type { CallContext, CustomerAdapter } from '../../adapters/types.js';
import type { SharedStore } from '../store/types.js';
import { createLiveAdapter } from './adapter.js';
import { LIVE_BACKEND, type LiveMigrationConfig } from './config.js';
import { parseLiveId, sourceLiveId, targetLiveId } from './ids.js';
import { createMover } from './mover.js';
import { type Counter, createIdentityMap, type IdentityMap } from './records.js';
import type { ErasureName, ErasureNames, ErasureStep, ErasureSubject } from '../accounts/erasure-steps.js';
import type { GatewayMetrics } from '../metrics/metrics.js';

export { LIVE_BACKEND, parseLiveMigrationEnv, type LiveMigrationConfig } from './config.js';
export { liveMigrationRoutes } from './route.js';

/** The `live` backend and its pair's one identity map (one read cache: an erasure's `forget` clears what `live` reads). */
export interface LiveBackend {
  adapter: CustomerAdapter;
  identities: IdentityMap;
}

/**
 * Adds the `live` backend to the built backends (deps.ts), composed from its two sides as they
 * were built. A target that cannot look customers up by their migration reference could not
 * tell a moved customer from a new one: refused at start rather than risking duplicates.
 */
export function createLiveBackend(
  config: LiveMigrationConfig,
  backends: Map<string, CustomerAdapter>,
  store: SharedStore,
  requestTimeoutMs: number,
  metrics?: Pick<GatewayMetrics, 'liveMoves'>,
  /** Its calls traced and measured like every backend's (src/telemetry/observe.ts). */
  observer: CallObserver = {},
): LiveBackend {
  const source = backends.get(config.source)!;
  const target = backends.get(config.target)!;
  if (!target.capabilities.externalRefLookup)
    throw new ConfigError(
      'LIVE_MIGRATION',
      `${target.backend} cannot look customers up by externalRef, so moved customers could not be recognised${target.capabilityHints?.externalRefLookup ? `: ${target.capabilityHints.externalRefLookup}` : ''}`,
    );
  const identities = createIdentityMap(
    store,
    source.backend,
    target.backend,
    metrics && ((counter, by) => metrics.liveMoves.inc({ kind: METRIC_KINDS[counter] }, by)),
  );
  const live = createLiveAdapter({
    config,
    source,
    target,
    store,
    identities,
    // A move is a handful of upstream calls within one request: its lease lapses soon after a crashed holder's deadline.
    leaseTtlMs: requestTimeoutMs + 1000,
    waitMs: requestTimeoutMs,
  });
  return { adapter: instrumentAdapter(live, undefined, observer), identities };
}

/** The status counters as the bounded `kind` label of `gateway_live_migration_moves_total`. */
const METRIC_KINDS: Record<Counter, string> = {
  moved: 'customer',
  passwordsCarried: 'password',
  loginsVerifiedAtSource: 'login_verified_at_source',
  mirrorFailures: 'mirror_failure',
};

/**
 * Erasure of a customer through one side's own backend rather than `live`: the identity map's
 * entries about it go, and so does the copy the migration made of it on the other platform (the
 * gateway put it there; in `target` phase the source is not called). `live` erases both sides and
 * its entries itself as it erases the customer; this step finishes what an earlier attempt left.
 */
export function liveMappingErasure(
  config: LiveMigrationConfig,
  identities: IdentityMap,
  backends: Map<string, CustomerAdapter>,
): ErasureStep {
  return {
    where: 'live migration',
    // It finds the other side itself; after it ran, the map no longer knows the other names.
    eachName: false,
    // Through a side's own backend it erases the other side's copy; through `live`, a retry erases
    // whatever the map still names on either side (the platform step found no customer there).
    what: `the identity map between ${config.source} and ${config.target}, and the customer it still names on either platform`,
    async erase(subject, ctx) {
      const at = await pairOf(config, identities, subject);
      if (!at) return 0;
      const { side, sourceId, targetId, record } = at;
      const moved = record?.state === 'moved';
      const dual = config.phase === 'dual';
      let copies: { backend: string; id: string }[];
      if (subject.backend === LIVE_BACKEND) {
        // `live` erases both sides and forgets the pair as it erases the customer, so the map knows
        // nothing more. A pair it still knows is what an earlier attempt left (one side's erasure
        // failed; this retry found no customer to erase through `live`): both sides go here.
        if (!record) return 0;
        copies = [
          ...(dual && sourceId !== undefined ? [{ backend: config.source, id: sourceId }] : []),
          ...(targetId !== undefined ? [{ backend: config.target, id: targetId }] : []),
        ];
      } else {
        // The same person on the other platform: the copy a move made, or (in `dual`) the original it came from.
        const copy = side === 'source' ? (moved ? record.t : undefined) : dual ? sourceId : undefined;
        copies = copy === undefined ? [] : [{ backend: side === 'source' ? config.target : config.source, id: copy }];
      }
      let erased = 0;
      for (const { backend, id } of copies)
        erased += await capable(backends.get(backend)!, 'erasure')({ kind: 'id', id }, ctx).then(
          () => 1,
          (error: unknown) => {
            if (isNotFound(error)) return 0;
            throw error;
          },
        );
      // `moved` counts the customers living on the target (the status's `remaining` is the rest).
      if (moved) await identities.count('moved', -1);
      const native = side === 'source' ? sourceId! : targetId!;
      return (await identities.forget(side, native)) + erased;
    },
  };
}

/**
 * What `npm run migrate` takes when it shares the gateway's store (STORE=redis): each customer is
 * moved under the same lease and record as `live` moves it, so a batch run and live traffic can
 * run side by side without ever creating a customer twice; customers `live` already moved are
 * skipped, never "completed" from a source copy their edits have left behind. A dry run reads the
 * same records (no lease, nothing written), so it reports those customers as the real run would.
 */
export function batchMoveClaim(
  store: SharedStore,
  source: CustomerAdapter,
  target: CustomerAdapter,
  ctx: CallContext,
  dryRun = false,
) {
  const identities = createIdentityMap(store, source.backend, target.backend);
  // A batch customer is a few calls, but may wait out rate limits: its lease is renewed while it
  // moves, so a killed run's leases lapse within 15 s (shoppers of those customers get 409 until then).
  const mover = createMover({
    source,
    target,
    store,
    identities,
    leaseTtlMs: 15_000,
    renewEveryMs: 5_000,
    waitMs: 60_000,
  });
  // A dry run takes no lease and writes no record, and still reports what live did already.
  return dryRun ? mover.lookFor() : mover.claimFor(ctx);
}

/** Where the customer `subject` names stands in the pair: its side, and its ids on both sides as the identity map knows them. */
async function pairOf(config: LiveMigrationConfig, identities: IdentityMap, subject: ErasureSubject) {
  const live = subject.backend === LIVE_BACKEND ? parseLiveId(subject.customerId) : undefined;
  const side =
    live?.side ??
    (subject.backend === config.source ? 'source' : subject.backend === config.target ? 'target' : undefined);
  if (!side) return undefined;
  const id = live?.id ?? subject.customerId;
  // '' for a customer that began on the target.
  const sourceId = side === 'source' ? id : (await identities.sourceOf(id)) || undefined;
  const record = sourceId === undefined ? undefined : await identities.get(sourceId);
  const targetId = side === 'target' ? id : record?.t;
  return { side, sourceId, targetId, record };
}

/**
 * The customer's other names in the pair, for the erasure of the gateway's own records under
 * each: an erasure through `live` also finds what was kept under the source's and the target's
 * ids, and one through either side what was kept under `live`'s id and the other side's.
 */
export function liveErasureNames(config: LiveMigrationConfig, identities: IdentityMap): ErasureNames {
  return async (subject) => {
    const at = await pairOf(config, identities, subject);
    if (!at) return [];
    const { sourceId, targetId } = at;
    const names: ErasureName[] = [
      { backend: LIVE_BACKEND, customerId: sourceId !== undefined ? sourceLiveId(sourceId) : targetLiveId(targetId!) },
      ...(sourceId !== undefined ? [{ backend: config.source, customerId: sourceId }] : []),
      ...(targetId !== undefined ? [{ backend: config.target, customerId: targetId }] : []),
    ];
    return names.filter((name) => name.backend !== subject.backend);
  };
}
