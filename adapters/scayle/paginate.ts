import { z } from 'zod';
import { offsetPage, parsePosition } from '../support.js';
import type { AdapterPage } from '../types.js';
import { BACKEND } from './errors.js';

/**
 * Paging. Customers: SCAYLE's own cursor string is the adapter position (no total: SCAYLE does
 * not count). Addresses: SCAYLE answers a customer's addresses in one list without a cursor, so
 * the adapter pages that list itself and the position is an offset into it.
 */

/** The query parameter that carries SCAYLE's cursor. Not named in SCAYLE's docs (unconfirmed; see docs/backends/scayle.md, *Paging and filters*). */
export const CURSOR_PARAM = 'cursor';

const CustomerPosition = z.string().min(1).max(2048);

export const customerCursor = (position: unknown): string | undefined =>
  parsePosition(CustomerPosition, position, BACKEND);

/** `cursor.next` as the next position; null or absent = last page. */
export const nextCustomerPosition = (next: string | number | null | undefined): string | null =>
  next === null || next === undefined || next === '' ? null : String(next);

export const pageAddresses = <T>(all: T[], limit: number, position: unknown): AdapterPage<T> =>
  offsetPage(all, limit, position, BACKEND);
