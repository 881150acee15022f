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
 * the list runs newest-first by updateTime and stops at the first older customer; the position
 * is an offset into that order (a customer updated meanwhile moves to the front and is caught
 * by the next sync, not this one).
 */
export const OffsetPosition = z.strictObject({ offset: z.int().min(0) });

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
