import { z } from 'zod';
import { parsePosition } from '../../adapters/support.js';
import type { CallContext, CustomerAdapter, ListCustomersQuery } from '../../adapters/types.js';
import type { Customer } from '../../schemas/index.js';
import { LIVE_BACKEND } from './config.js';
import { hasCode, type LiveParts, type Located, type Locator } from './locate.js';

/**
 * A walk's position: which list (`s` the source's, `t` the target's), that list's own position,
 * and when the walk began (`at`, ms) so a walk filtered by `updatedSince` tells customers moved
 * before it began from those moved during it.
 */
const Position = z.object({ w: z.enum(['s', 't']), p: z.unknown(), at: z.number() });

/**
 * GET /customers on `live`: the union of both platforms, each customer exactly once, even while
 * customers move during the walk. In `dual` the walk reads the source's list first — every
 * customer that began there, moved or not (a moved one is shown as the target holds it), and a
 * move never takes a customer off the source's list — then the target's, keeping only customers
 * born there. A walk filtered by what can change after a move (`updatedSince`, `email`,
 * `externalRef`) takes customers moved before it began from the target's list instead: their edits
 * since the move live there, and the source's copy may still show an old email (one no longer kept
 * in step once the target checks the shopper's password).
 * After cut-over it is the target's list.
 */
export function liveCustomerList(
  { config, source, target, identities }: LiveParts,
  locator: Locator,
  present: (customer: Customer, at: Located) => Customer,
): CustomerAdapter['listCustomers'] {
  /** Whether the target's list answers for a customer that moved at `movedAt` (before the walk, in a filtered one). */
  const targetAnswers = (query: ListCustomersQuery, movedAt: number | undefined, walkStart: number) =>
    (query.updatedSince !== undefined || query.email !== undefined || query.externalRef !== undefined) &&
    (movedAt ?? 0) < walkStart;

  async function fromSourceList(customer: Customer, query: ListCustomersQuery, walkStart: number, ctx: CallContext) {
    const record = await identities.get(customer.id);
    if (record?.state === 'deleted') return undefined;
    if (record?.state !== 'moved') return present(customer, { where: 'source', sourceId: customer.id });
    if (targetAnswers(query, record.mt, walkStart)) return undefined;
    const at: Located = { where: 'target', sourceId: customer.id, targetId: record.t, record };
    try {
      return present(
        (await target.getCustomer({ kind: 'id', id: record.t! }, { expandAddresses: false }, ctx)).value,
        at,
      );
    } catch (error) {
      if (hasCode(error, 'not_found')) return undefined;
      throw error;
    }
  }

  async function fromTargetList(customer: Customer, query: ListCustomersQuery, walkStart: number, ctx: CallContext) {
    const at = await locator.fromTarget(customer, ctx);
    if (config.phase === 'target' || at.sourceId === undefined) return present(customer, at);
    // Began on the source: listed there, unless the walk is filtered and it moved before the walk.
    return targetAnswers(query, at.record?.mt, walkStart) ? present(customer, at) : undefined;
  }

  /** One page of one list, shown as `live` shows it. */
  async function walk(
    onSource: boolean,
    query: ListCustomersQuery,
    limit: number,
    from: unknown,
    at: number,
    ctx: CallContext,
  ) {
    const { email, externalRef, updatedSince } = query;
    const side = onSource ? source : target;
    const page = await side.listCustomers!(
      { limit, email, externalRef, updatedSince, position: from ?? undefined },
      ctx,
    );
    const shown = await Promise.all(
      page.items.map((c) => (onSource ? fromSourceList : fromTargetList)(c, query, at, ctx)),
    );
    const ended = page.next === null || page.next === undefined;
    return { items: shown.filter((c): c is Customer => c !== undefined), ended, page };
  }

  return async (query, ctx) => {
    const position = parsePosition(Position, query.position, LIVE_BACKEND);
    const at = position?.at ?? Date.now();
    const onSource = config.phase === 'dual' && position?.w !== 't';
    const first = await walk(onSource, query, query.limit, position?.p, at, ctx);
    if (!first.ended) return { items: first.items, next: { w: onSource ? 's' : 't', p: first.page.next, at } };
    if (!onSource) {
      const total = config.phase === 'target' ? first.page.total : undefined;
      return { items: first.items, next: null, ...(total !== undefined ? { total } : {}) };
    }
    // The source's list ended: the target's follows (its customers born there), from this page on.
    const room = query.limit - first.items.length;
    if (room === 0) return { items: first.items, next: { w: 't', p: null, at } };
    const rest = await walk(false, query, room, undefined, at, ctx);
    return { items: [...first.items, ...rest.items], next: rest.ended ? null : { w: 't', p: rest.page.next, at } };
  };
}
