import { z } from 'zod';
import { parsePosition } from '../support.js';
import type { AdapterPage } from '../types.js';
import { BACKEND } from './errors.js';
import type { Slot } from './map.js';

/**
 * Customers page by keyset: the position is the last id returned, and the next page asks for
 * `conditions.after` = that id, ordered by id, so inserts and deletes never shift a page.
 */
export const KeysetPosition = z.int().min(0);
/**
 * With `updatedSince` there is no condition to filter on (Open2b has none for updateTime), so
 * the list runs newest-first by updateTime (then id) and stops at the first older customer; the
 * position is an offset into that order and the last customer returned (`after`: its updateTime
 * as Open2b writes it, and its id). A customer updated meanwhile moves to the front and is caught
 * by the next sync; one deleted meanwhile moves the rest up, so the next page looks back from the
 * offset for where the last one returned now stands (see `afterLast`).
 */
export const OffsetPosition = z.strictObject({
  offset: z.int().min(0),
  after: z.tuple([z.string().max(32), z.int()]).optional(),
});
export type OffsetPosition = z.infer<typeof OffsetPosition>;

/** A row of the newest-first order: `updateTime` as Open2b writes it sorts as text (`YYYY-MM-DD hh:mm:ss`). */
interface ChangeOrdered {
  id: number;
  updateTime?: string | null;
}

/** Whether `row` comes after `last` in Open2b's `['-updateTime', '-id']` order. */
export function comesAfter(row: ChangeOrdered, [time, id]: [string, number]): boolean {
  const rowTime = row.updateTime ?? '';
  return rowTime < time || (rowTime === time && row.id < id);
}

/**
 * The rows after the last one returned, from a window that starts `lookBack` rows before its old
 * offset; undefined when even the window's first row comes after it (more were deleted before it
 * than the window looked back over), so the caller looks back further.
 */
export function afterLast<T extends ChangeOrdered>(
  rows: T[],
  windowStart: number,
  after: [string, number] | undefined,
): { rows: T[]; start: number } | undefined {
  if (!after) return { rows, start: windowStart };
  // An empty window past the start: the list shrank below it (deletions), so it too looks back.
  if (windowStart > 0 && (rows.length === 0 || comesAfter(rows[0]!, after))) return undefined;
  const skip = rows.findIndex((row) => comesAfter(row, after));
  return skip === -1
    ? { rows: [], start: windowStart + rows.length }
    : { rows: rows.slice(skip), start: windowStart + skip };
}

/** A customer-list position of this backend, checked against its schema. */
export const open2bPosition = <T>(schema: z.ZodType<T>, position: unknown): T | undefined =>
  parsePosition(schema, position, BACKEND);

/** Asked for limit + 1 rows: the extra one only says whether another page exists. */
export function keysetPage<T>(rows: T[], limit: number, idOf: (row: T) => number): { items: T[]; next: number | null } {
  const items = rows.slice(0, limit);
  return { items, next: rows.length > limit ? idOf(items[items.length - 1]!) : null };
}

/** A customer's addresses: billing, then shipping. The position is the id of the last one returned. */
export const AddressPosition = z.enum(['billing']);

export function addressPage<T extends { id: string }>(all: T[], limit: number, position: unknown): AdapterPage<T> {
  const after = open2bPosition(AddressPosition, position);
  const start = after === undefined ? 0 : all.findIndex((a) => a.id === after) + 1;
  const items = all.slice(start, start + limit);
  const last = items[items.length - 1];
  return { items, next: start + limit < all.length && last ? (last.id as Slot) : null, total: all.length };
}
