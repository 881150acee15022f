import { z } from 'zod';
import { parsePosition } from '../support.js';
import { BACKEND } from './errors.js';

/**
 * Paging. Customers come from `customer-search`, sorted by customer number, keyset from the second
 * page on (`after` the last customer number: the query gains `customerNo greater <after>`, offset
 * 0): a customer deleted while a list or a migration pages would shift every later one back by one
 * under `offset`, and one would be skipped; and the search service's result window of
 * SEARCH_WINDOW hits never ends a long list. `seen` counts the customers of the pages before, for
 * the total. An `offset` (a cursor or migration state file written before) is still taken, within
 * the window. Addresses: `offset` + `limit` (≤ 50 per call, the spec's maximum); one canonical
 * page may take several calls.
 */

/** offset + limit of one customer-search must stay within this many hits (see docs/backends/scapi.md). */
export const SEARCH_WINDOW = 10_000;
/** The address list's largest page (spec: maximum 50). */
export const ADDRESS_PAGE_MAX = 50;

const CustomerPosition = z.union([
  z
    .int()
    .min(0)
    .max(SEARCH_WINDOW - 1),
  z.strictObject({ after: z.string().min(1).max(100), seen: z.int().min(0).optional() }),
]);
export type CustomerPosition = { offset: number } | { after: string; seen?: number };

export function customerPosition(position: unknown): CustomerPosition {
  const parsed = parsePosition(CustomerPosition, position, BACKEND) ?? 0;
  return typeof parsed === 'number' ? { offset: parsed } : parsed;
}

/** The position after a page that returned `customerNos` (in search order), or null on the last page. */
export function nextCustomerPosition(
  at: CustomerPosition,
  customerNos: string[],
  limit: number,
  /** What the search counted: from `offset` 0, or (keyset) after `after`. */
  total: number,
): { after: string; seen: number } | null {
  const last = customerNos[customerNos.length - 1];
  if (customerNos.length < limit || last === undefined) return null;
  const from = 'offset' in at ? at.offset : 0;
  if (from + customerNos.length >= total) return null;
  return { after: last, seen: seenBefore(at) + customerNos.length };
}

/** How many customers the pages before this position held (undefined: a keyset cursor that did not count). */
function seenBefore(at: CustomerPosition): number {
  return 'offset' in at ? at.offset : (at.seen ?? 0);
}

/** The list's total at this page: what the pages before held and what the search counts from here on. */
export function customerTotal(at: CustomerPosition, searchTotal: number): number | undefined {
  if ('offset' in at) return searchTotal;
  return at.seen === undefined ? undefined : at.seen + searchTotal;
}

/** The page size one search may ask for at a position: never past the window (a caller may change `limit` between pages). */
export const searchLimit = (at: CustomerPosition, limit: number) =>
  'offset' in at ? Math.min(limit, SEARCH_WINDOW - at.offset) : limit;
