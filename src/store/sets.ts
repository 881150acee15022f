import { createKeyedQueue } from './lease.js';
import type { OrderedEntryTable } from './log.js';
import { positiveTtl, type SharedStore } from './types.js';

export type SetOperations = Pick<SharedStore, 'addToSet' | 'setMembers' | 'removeFromSet'>;

/** Where a set's members live, one entry each: after the set's key (no key of ours holds `|member|`). */
const memberPrefix = (key: string) => `${key}|member|`;

/**
 * Index sets over an ordered key → entry table (a Durable Object's storage): one entry per member,
 * expiring on its own, so an add writes one small entry however large the set (a session's spent
 * tokens, a customer's events), where one JSON value per set was read and rewritten whole by every
 * add. A set written that way (by the version before) is still read and changed until it lapses.
 * `deleteSet` removes a set's members; the caller deletes the key itself.
 */
export function setsOverOrderedTable(
  table: OrderedEntryTable,
  now: () => number = Date.now,
): SetOperations & { deleteSet(key: string): Promise<void> } {
  const queue = createKeyedQueue();
  /** The set as the version before stored it: member → when it expires, at the set's own key. */
  const legacyMembers = async (key: string): Promise<Record<string, number>> => {
    const entry = await table.get(key);
    if (!entry || entry.expiresAt <= now()) return {};
    const parsed: unknown = JSON.parse(entry.value);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, number>) : {};
  };
  /** Every member entry of the set, expired or not, a page at a time. */
  const eachMember = async (key: string, visit: (member: string, expiresAt: number) => void) => {
    const prefix = memberPrefix(key);
    for (let from = prefix; ; ) {
      const page = await table.list(prefix, from, 500);
      for (const [entryKey, entry] of page) visit(entryKey.slice(prefix.length), entry.expiresAt);
      if (page.length < 500) return;
      from = page.at(-1)![0];
    }
  };
  return {
    addToSet: (key, member, ttlMs) =>
      queue.run(key, async () => {
        await table.put(`${memberPrefix(key)}${member}`, { value: '', expiresAt: now() + positiveTtl(ttlMs) });
      }),
    setMembers: (key) =>
      queue.run(key, async () => {
        const at = now();
        const members = new Set<string>();
        for (const [member, expiresAt] of Object.entries(await legacyMembers(key)))
          if (expiresAt > at) members.add(member);
        await eachMember(key, (member, expiresAt) => {
          if (expiresAt > at) members.add(member);
        });
        return [...members];
      }),
    removeFromSet: (key, member) =>
      queue.run(key, async () => {
        await table.delete(`${memberPrefix(key)}${member}`);
        const legacy = await legacyMembers(key);
        if (!(member in legacy)) return;
        delete legacy[member];
        let last = -Infinity;
        for (const name in legacy) last = Math.max(last, legacy[name]!);
        if (last === -Infinity) await table.delete(key);
        else await table.put(key, { value: JSON.stringify(legacy), expiresAt: last });
      }),
    deleteSet: (key) =>
      queue.run(key, async () => {
        const members: string[] = [];
        await eachMember(key, (member) => members.push(member));
        for (const member of members) await table.delete(`${memberPrefix(key)}${member}`);
      }),
  };
}
