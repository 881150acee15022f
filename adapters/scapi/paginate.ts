import { z } from 'zod';
import { parsePosition } from '../support.js';
import { BACKEND } from './errors.js';

/**
 * Paging. Customers come from `customer-search`: `offset` + `limit` (≤ 200) within the search
 * service's result window of SEARCH_WINDOW hits. Past the window the position becomes keyset
 * (`after` a customer number: the query gains `customerNo greater <after>`, offset 0), so a long
 * list is paged to its end instead of failing or repeating. Addresses: `offset` + `limit`
 * (≤ 50 per call, the spec's maximum); one canonical page may take several calls.
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
  z.strictObject({ after: z.string().min(1).max(100) }),
]);
export type CustomerPosition = { offset: number } | { after: string };

export function customerPosition(position: unknown): CustomerPosition {
  const parsed = parsePosition(CustomerPosition, position, BACKEND) ?? 0;
  return typeof parsed === 'number' ? { offset: parsed } : parsed;
}

/** The position after a page that returned `customerNos` (in search order), or null on the last page. */
export function nextCustomerPosition(
  at: CustomerPosition,
  customerNos: string[],
  limit: number,
  total: number,
): number | { after: string } | null {
  const last = customerNos[customerNos.length - 1];
  if (customerNos.length < limit || last === undefined) return null;
  if ('after' in at) return { after: last };
  const next = at.offset + customerNos.length;
  if (next >= total) return null;
  return next + limit <= SEARCH_WINDOW ? next : { after: last };
}

/** The page size one search may ask for at a position: never past the window (a caller may change `limit` between pages). */
export const searchLimit = (at: CustomerPosition, limit: number) =>
  'offset' in at ? Math.min(limit, SEARCH_WINDOW - at.offset) : limit;
