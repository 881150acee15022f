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
