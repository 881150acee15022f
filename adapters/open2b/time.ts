import { tzOffset } from '@date-fns/tz';

const SHOP_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const MINUTE = 60_000;
const DAY = 86_400_000;

/**
 * Open2b datetimes ("YYYY-MM-DD HH:MM:SS") are wall-clock times in the shop's zone. Around a DST
 * switch a wall-clock time can name two instants or none; we resolve like Temporal's
 * 'compatible' disambiguation:
 * - ambiguous (autumn, e.g. 02:30 twice in Europe/Rome): the EARLIER instant, i.e. the first
 *   occurrence, still on summer time (+02:00);
 * - nonexistent (spring, e.g. 02:30 skipped): moved forward by the gap, 02:30 → 03:30+02:00.
 * Returns undefined for anything that is not a valid Open2b datetime.
 */
export function shopTimeToInstant(value: string, zone: string): Date | undefined {
  const m = SHOP_TIME.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const naive = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(naive);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) return undefined;
  // The zone's offset a day either side brackets any transition near this time.
  const before = tzOffset(zone, new Date(naive - DAY));
  const after = tzOffset(zone, new Date(naive + DAY));
  // An offset fits when the zone really has it at the instant it gives (two fit: ambiguous; none: a gap).
  const candidates = [...new Set([before, after])]
    .map((offset) => naive - offset * MINUTE)
    .filter((instant) => naive - tzOffset(zone, new Date(instant)) * MINUTE === instant);
  if (candidates.length > 0) return new Date(Math.min(...candidates));
  // In the gap: read it with the offset in force before the switch, which lands after it.
  return new Date(naive - before * MINUTE);
}

const two = (n: number) => String(n).padStart(2, '0');

/**
 * ISO 8601 with the shop's offset at that instant, e.g. 2025-10-26T02:30:00+01:00: the wall clock
 * is the instant moved by the offset, read in UTC. (date-fns' `format` did the same with ~7 KiB
 * gzip of locale and token code in the Worker bundle.)
 */
export function instantToIso(instant: Date, zone: string): string {
  const offset = tzOffset(zone, instant);
  const wall = new Date(instant.getTime() + offset * MINUTE);
  const date = `${String(wall.getUTCFullYear()).padStart(4, '0')}-${two(wall.getUTCMonth() + 1)}-${two(wall.getUTCDate())}`;
  const time = `${two(wall.getUTCHours())}:${two(wall.getUTCMinutes())}:${two(wall.getUTCSeconds())}`;
  const sign = offset < 0 ? '-' : '+';
  return `${date}T${time}${sign}${two(Math.trunc(Math.abs(offset) / 60))}:${two(Math.abs(offset) % 60)}`;
}

/** Open2b datetime → canonical ISO 8601 with offset; undefined when absent or unreadable. */
export function shopTimeToIso(value: string | null | undefined, zone: string): string | undefined {
  if (!value) return undefined;
  const instant = shopTimeToInstant(value, zone);
  return instant && instantToIso(instant, zone);
}
