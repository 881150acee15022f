import { z } from 'zod';
import { parsePosition } from '../support.js';
import { BACKEND } from './errors.js';

/** Address lists: OCAPI `start` is 0–999, so the last reachable page starts at 999. */
export const MAX_ADDRESS_START = 999;

/** Our native position is OCAPI's `start`; anything else in a cursor is not ours. */
const Start = z.int().min(0);

export function startFrom(position: unknown, max = Number.MAX_SAFE_INTEGER): number {
  return parsePosition(Start.max(max), position, BACKEND) ?? 0;
}

/** A customer search page: after the last customer_no seen, and how many the pages before held. */
const CustomerKeyset = z.strictObject({ after: z.string().min(1).max(100), seen: z.int().min(0) });

/**
 * Where a customer search page starts: keyset (`after` a customer_no), or, from a cursor or a
 * migration state file written before keyset paging, OCAPI's `start`.
 */
export function customerSearchPosition(position: unknown): { start: number; after?: string; seen: number } {
  const parsed = parsePosition(z.union([Start, CustomerKeyset]), position, BACKEND);
  if (parsed === undefined) return { start: 0, seen: 0 };
  return typeof parsed === 'number'
    ? { start: parsed, seen: parsed }
    : { start: 0, after: parsed.after, seen: parsed.seen };
}

/** The next `start`, or null on the last page (or past what OCAPI lets us reach). */
export function nextStart(
  start: number,
  returned: number,
  total: number,
  max = Number.MAX_SAFE_INTEGER,
): number | null {
  const next = start + returned;
  return returned > 0 && next < total && next <= max ? next : null;
}
