import { z } from 'zod';
import { GatewayError } from '../errors.js';
import type { AdapterPage } from '../types.js';

/**
 * Paging. Customers: SCAYLE's own cursor string is the adapter position (no total: SCAYLE does
 * not count). Addresses: SCAYLE answers a customer's addresses in one list without a cursor, so
 * the adapter pages that list itself and the position is an offset into it.
 */

/** The query parameter that carries SCAYLE's cursor. Not named in SCAYLE's docs (VENDOR-NOTES: unconfirmed). */
export const CURSOR_PARAM = 'cursor';

const notOurs = () =>
  new GatewayError('validation_failed', 'cursor is not a position of this scayle list', {
    errors: [{ path: 'query.cursor', message: 'not a position of this list' }],
  });

const CustomerPosition = z.string().min(1).max(2048);
const AddressPosition = z.int().min(1);

export function customerCursor(position: unknown): string | undefined {
  if (position === undefined) return undefined;
  const parsed = CustomerPosition.safeParse(position);
  if (!parsed.success) throw notOurs();
  return parsed.data;
}

/** `cursor.next` as the next position; null or absent = last page. */
export const nextCustomerPosition = (next: string | number | null | undefined): string | null =>
  next === null || next === undefined || next === '' ? null : String(next);

export function pageAddresses<T>(all: T[], limit: number, position: unknown): AdapterPage<T> {
  let start = 0;
  if (position !== undefined) {
    const parsed = AddressPosition.safeParse(position);
    if (!parsed.success) throw notOurs();
    start = parsed.data;
  }
  const end = start + limit;
  return { items: all.slice(start, end), next: end < all.length ? end : null, total: all.length };
}
