import { type ErrorCode, GatewayError, isGatewayError } from '../../adapters/errors.js';
import type { CallContext, CustomerAdapter, CustomerRef } from '../../adapters/types.js';
import { migrationRef, sourceIdOfRef } from '../../migrate/lib/map.js';
import type { Customer } from '../../schemas/index.js';
import type { LiveMigrationConfig } from './config.js';
import { parseLiveId } from './ids.js';
import type { Mover } from './mover.js';
import type { IdentityMap, MoveRecord } from './records.js';

/** Where one customer of `live` lives right now. */
export interface Located {
  where: 'source' | 'target';
  /** Set for a customer that began on the source (moved or not): its id there. */
  sourceId?: string;
  /** Set for a customer on the target (moved, or registered there). */
  targetId?: string;
  /** A moved customer's record. */
  record?: MoveRecord;
  /** The customer as read while locating it (saves a second read); `addresses` when read with them. */
  found?: { value: Customer; addresses: boolean };
}

export interface LiveParts {
  config: LiveMigrationConfig;
  source: CustomerAdapter;
  target: CustomerAdapter;
  identities: IdentityMap;
  mover: Mover;
}

const UNREACHABLE: ErrorCode[] = ['upstream_unavailable', 'upstream_timeout', 'upstream_error'];
export const hasCode = (error: unknown, ...codes: ErrorCode[]) => isGatewayError(error) && codes.includes(error.code);
export const unreachable = (error: unknown) => hasCode(error, ...UNREACHABLE);
export const notFound = (id: string) => new GatewayError('not_found', `customer ${id} does not exist`);

/** A customer by external reference on one side; undefined when it has none or the side cannot look refs up. */
export async function byRef(adapter: CustomerAdapter, externalRef: string, ctx: CallContext, expand = false) {
  if (!adapter.capabilities.externalRefLookup) return undefined;
  try {
    return (await adapter.getCustomer({ kind: 'externalRef', externalRef }, { expandAddresses: expand }, ctx)).value;
  } catch (error) {
    if (hasCode(error, 'not_found')) return undefined;
    throw error;
  }
}

/** What an adoption knows of the source customer (see sourceCopyOf). */
type SourceCopy = Customer | 'read' | 'skip';

/**
 * Resolves the ids `live` accepts (src/live/ids.ts, and `ref:`) to a side. The shared store
 * answers first; where it knows nothing (a customer never touched, or a lost store) the target is
 * asked for the customer's migration reference, so a customer moved before is found and adopted
 * again, never moved twice. In phase `target` the source is never asked.
 */
export function createLocator({ config, source, target, identities, mover }: LiveParts) {
  const dual = config.phase === 'dual';
  const moved = (sourceId: string, record: MoveRecord): Located => ({
    where: 'target',
    sourceId,
    targetId: record.t,
    record,
  });

  /**
   * The source customer an adoption records what it knows from: its address ids paired by content
   * with the target's (where the target numbers its own), so the ids a caller knew keep working
   * however the customer is found again after a lost store, and whether it had a password. Given
   * when already read; `read`: asked now, in `dual`, best effort (the customer is adopted all the
   * same, unpaired); `skip`: the source has just failed to answer for it.
   */
  async function sourceCopyOf(sourceId: string, copy: SourceCopy, ctx: CallContext): Promise<Customer | undefined> {
    if (copy !== 'read') return copy === 'skip' ? undefined : copy;
    if (!dual || (target.capabilities.addressRename && !source.capabilities.shopperLogin)) return undefined;
    return source.getCustomer({ kind: 'id', id: sourceId }, { expandAddresses: true }, ctx).then(
      (found) => found.value,
      (error: unknown) => {
        ctx.log.warn({ err: error, sourceId }, 'live migration: adopted without reading the source copy');
        return undefined;
      },
    );
  }

  /** Records a customer found on the target under its migration reference as moved (under the move lease). */
  function adopt(sourceId: string, targetId: string, copy: SourceCopy, ctx: CallContext) {
    return mover.exclusive(sourceId, ctx, async (): Promise<Located> => {
      const known = await identities.get(sourceId);
      if (known?.state === 'moved' && known.t === targetId) return moved(sourceId, known);
      const fromSource = await sourceCopyOf(sourceId, copy, ctx);
      const a = fromSource && (await mover.addressPairs(fromSource, targetId, ctx));
      ctx.log.info({ sourceId, targetId }, 'live migration: found a moved customer on the target, recorded it');
      const record = await identities.put(sourceId, {
        state: 'moved',
        t: targetId,
        // Moved when is not known: found now. A list walking while it is found has shown it from the
        // source already (list.ts), so it must not count as moved before that walk began.
        mt: Date.now(),
        ...(a ? { a } : {}),
        ...(fromSource?.hasPassword ? { sp: true as const } : {}),
      });
      // It lives on the target now: counted in `moved`, as a delete counts it out.
      if (known?.state !== 'moved') await identities.count('moved');
      return moved(sourceId, record);
    });
  }

  async function adoptByReference(sourceId: string, ctx: CallContext, copy: SourceCopy): Promise<Located | undefined> {
    const onTarget = await byRef(target, migrationRef({ id: sourceId }, source.backend), ctx);
    return onTarget && adopt(sourceId, onTarget.id, copy, ctx);
  }

  async function locateSource(sourceId: string, ctx: CallContext, write: boolean): Promise<Located> {
    const record = await (write ? identities.get(sourceId) : identities.forRead(sourceId));
    if (record?.state === 'moved') {
      await identities.touch(sourceId, record);
      return moved(sourceId, record);
    }
    if (record?.state === 'deleted') throw notFound(sourceId);
    if (!dual) {
      const adopted = await adoptByReference(sourceId, ctx, 'read');
      if (adopted) return adopted;
      throw notFound(sourceId);
    }
    if (record?.state === 'none') return { where: 'source', sourceId };
    if (record?.state === 'moving') {
      // A move that did not finish: a write completes it anyway; a read tries (unless another mover
      // holds it: a move under way, or a crashed one whose lease has not lapsed), else reads the source.
      if (write) return { where: 'source', sourceId };
      try {
        return moved(sourceId, await mover.move(sourceId, ctx, 0));
      } catch (error) {
        ctx.log.warn({ sourceId, code: (error as GatewayError).code }, 'live migration: completing a move failed');
        return { where: 'source', sourceId };
      }
    }
    let fromSource: Customer;
    try {
      fromSource = (await source.getCustomer({ kind: 'id', id: sourceId }, { expandAddresses: true }, ctx)).value;
    } catch (error) {
      // Gone from the source, or the source is down: the target may hold it under its reference.
      if (!hasCode(error, 'not_found') && !unreachable(error)) throw error;
      const adopted = await adoptByReference(sourceId, ctx, 'skip').catch(() => undefined);
      if (adopted) return adopted;
      throw error;
    }
    const unmoved: Located = { where: 'source', sourceId, found: { value: fromSource, addresses: true } };
    let onTarget: Customer | undefined;
    try {
      onTarget = await byRef(target, migrationRef(fromSource, source.backend), ctx);
    } catch (error) {
      // Target down: reads of unmoved customers go on from the source.
      if (write || !unreachable(error)) throw error;
      return unmoved;
    }
    if (onTarget) return adopt(sourceId, onTarget.id, fromSource, ctx);
    await identities.markNotMoved(sourceId);
    return unmoved;
  }

  /** A customer read from the target: moved (its source id known or in its reference) or born there. */
  async function fromTarget(onTarget: Customer, ctx: CallContext, known?: string): Promise<Located> {
    const found = { value: onTarget, addresses: onTarget.addresses !== undefined };
    let sourceId = known ?? (await identities.sourceOf(onTarget.id));
    sourceId ??= sourceIdOfRef(onTarget.externalRef, source.backend);
    if (sourceId === undefined && dual && onTarget.externalRef) {
      // A reference of its own: moved from a source customer with that reference, or born here.
      sourceId = (await byRef(source, onTarget.externalRef, ctx).catch(() => undefined))?.id;
      if (sourceId === undefined) await identities.markNative(onTarget.id);
    }
    if (!sourceId) return { where: 'target', targetId: onTarget.id, found };
    const record = await identities.get(sourceId);
    const located =
      record?.state === 'moved' && record.t === onTarget.id
        ? moved(sourceId, record)
        : await adopt(sourceId, onTarget.id, 'read', ctx);
    return { ...located, found };
  }

  async function locateTarget(targetId: string, ctx: CallContext): Promise<Located> {
    const sourceId = await identities.sourceOf(targetId);
    if (sourceId === '') return { where: 'target', targetId };
    if (sourceId !== undefined) {
      const record = await identities.get(sourceId);
      if (record?.state === 'moved' && record.t === targetId) return moved(sourceId, record);
    }
    const onTarget = (await target.getCustomer({ kind: 'id', id: targetId }, { expandAddresses: false }, ctx)).value;
    return fromTarget(onTarget, ctx, sourceId);
  }

  async function locateRef(externalRef: string, ctx: CallContext, write: boolean): Promise<Located> {
    let onTarget: Customer | undefined;
    try {
      onTarget = await byRef(target, externalRef, ctx);
    } catch (error) {
      if (write || !dual || !unreachable(error)) throw error;
    }
    if (onTarget) return fromTarget(onTarget, ctx);
    const fromSource = dual ? await byRef(source, externalRef, ctx) : undefined;
    if (fromSource) return locateSource(fromSource.id, ctx, write);
    throw notFound(`ref:${externalRef}`);
  }

  function locate(ref: CustomerRef, ctx: CallContext, write = false): Promise<Located> {
    if (ref.kind === 'externalRef') return locateRef(ref.externalRef, ctx, write);
    const side = parseLiveId(ref.id);
    return side.side === 'target' ? locateTarget(side.id, ctx) : locateSource(side.id, ctx, write);
  }

  return {
    locate,
    fromTarget,
    /** Located for a write: a customer still on the source is moved first (profile and every address). */
    async forWrite(ref: CustomerRef, ctx: CallContext): Promise<Located> {
      const located = await locate(ref, ctx, true);
      if (located.where === 'target') return located;
      return moved(located.sourceId!, await mover.move(located.sourceId!, ctx));
    },
  };
}

export type Locator = ReturnType<typeof createLocator>;
