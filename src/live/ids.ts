import type { MoveRecord } from './records.js';

/**
 * The ids `live` hands out, in two spaces that cannot collide (source and target ids are often
 * both numbers):
 * - a customer that began on the source keeps its source id, before and after it moves, so ids a
 *   storefront stored keep working; a source id that itself starts with `t:`, `s:` or `ref:` is
 *   written `s:<id>` (and `s:<id>` is accepted for any source id);
 * - a customer that exists only on the target (registered through `live`) is `t:<targetId>`.
 * Address ids follow the same rule within a moved customer whose target numbers addresses itself:
 * the source's address ids stay, addresses added after the move are `t:<targetAddressId>`.
 */
export type Side = { side: 'source'; id: string } | { side: 'target'; id: string };

const RESERVED = /^(?:t|s|ref):/;

export function parseLiveId(raw: string): Side {
  if (raw.startsWith('t:')) return { side: 'target', id: raw.slice(2) };
  if (raw.startsWith('s:')) return { side: 'source', id: raw.slice(2) };
  return { side: 'source', id: raw };
}

export const sourceLiveId = (sourceId: string) => (RESERVED.test(sourceId) ? `s:${sourceId}` : sourceId);
export const targetLiveId = (targetId: string) => `t:${targetId}`;

/** Whether a moved customer's address ids need translating (its target renamed them on the way). */
export const translatesAddresses = (record: MoveRecord | undefined) => record?.a !== undefined;

/** A target address id as `live` shows it for this customer. */
export function liveAddressId(targetAddressId: string, record: MoveRecord | undefined): string {
  if (!translatesAddresses(record)) return targetAddressId;
  const pair = record!.a!.find(([, target]) => target === targetAddressId);
  return pair ? sourceLiveId(pair[0]) : targetLiveId(targetAddressId);
}

/** The target's id of an address `live` named; undefined when this customer has no such address. */
export function targetAddressId(liveId: string, record: MoveRecord | undefined): string | undefined {
  if (!translatesAddresses(record)) return liveId;
  const side = parseLiveId(liveId);
  if (side.side === 'target') return side.id;
  return record!.a!.find(([source]) => source === side.id)?.[1];
}

/** The source's id of a target address, for mirroring a write; undefined when it has none there. */
export function sourceAddressId(targetId: string, record: MoveRecord | undefined): string | undefined {
  if (!translatesAddresses(record)) return targetId;
  return [...record!.a!, ...(record!.m ?? [])].find(([, target]) => target === targetId)?.[0];
}
