import { TZDate } from '@date-fns/tz';
import { format } from 'date-fns';
import { describe, expect, it } from 'vitest';
import { instantToIso, shopTimeToInstant, shopTimeToIso } from '../../../adapters/open2b/time.js';
// The adapter never writes a datetime; what it reads is what Open2b (here: the emulator) wrote.
import { shopTime as instantToShopTime } from '../../../emulators/open2b/store.js';

const ROME = 'Europe/Rome';

describe('open2b shop-local datetimes', () => {
  it('reads a shop-local time with the offset in force then (winter +01:00, summer +02:00)', () => {
    expect(shopTimeToIso('2025-01-15 10:00:00', ROME)).toBe('2025-01-15T10:00:00+01:00');
    expect(shopTimeToIso('2025-07-15 10:00:00', ROME)).toBe('2025-07-15T10:00:00+02:00');
    expect(shopTimeToIso('2025-07-15 10:00:00', 'America/New_York')).toBe('2025-07-15T10:00:00-04:00');
    expect(shopTimeToIso('2025-07-15 10:00:00', 'UTC')).toBe('2025-07-15T10:00:00+00:00');
  });

  it('around the spring switch: the hour before and after are exact, the skipped 02:30 moves forward to 03:30+02:00', () => {
    expect(shopTimeToInstant('2025-03-30 01:59:59', ROME)!.toISOString()).toBe('2025-03-30T00:59:59.000Z');
    expect(shopTimeToIso('2025-03-30 02:30:00', ROME)).toBe('2025-03-30T03:30:00+02:00');
    expect(shopTimeToInstant('2025-03-30 03:00:00', ROME)!.toISOString()).toBe('2025-03-30T01:00:00.000Z');
  });

  it('around the autumn switch: the twice-lived 02:30 is read as its first occurrence (+02:00)', () => {
    expect(shopTimeToIso('2025-10-26 01:59:59', ROME)).toBe('2025-10-26T01:59:59+02:00');
    expect(shopTimeToIso('2025-10-26 02:30:00', ROME)).toBe('2025-10-26T02:30:00+02:00');
    expect(shopTimeToInstant('2025-10-26 02:30:00', ROME)!.toISOString()).toBe('2025-10-26T00:30:00.000Z');
    expect(shopTimeToIso('2025-10-26 03:00:00', ROME)).toBe('2025-10-26T03:00:00+01:00');
  });

  it('Open2b writes instants as shop-local times; both autumn 02:30s print alike (it keeps no offset)', () => {
    expect(instantToShopTime(new Date('2025-10-26T00:30:00Z'), ROME)).toBe('2025-10-26 02:30:00');
    expect(instantToShopTime(new Date('2025-10-26T01:30:00Z'), ROME)).toBe('2025-10-26 02:30:00');
    expect(instantToIso(new Date('2025-10-26T01:30:00Z'), ROME)).toBe('2025-10-26T02:30:00+01:00');
  });

  it('reads back every hour Open2b writes in a DST year, except the repeated one', () => {
    for (let t = Date.UTC(2025, 0, 1); t < Date.UTC(2026, 0, 1); t += 3_600_000) {
      const instant = new Date(t);
      const back = shopTimeToInstant(instantToShopTime(instant, ROME), ROME)!;
      if (back.getTime() !== t) expect(instant.toISOString()).toBe('2025-10-26T01:00:00.000Z');
    }
  });

  it("prints instants across a DST year (every 5 h 17 min) as date-fns' format did, in zones east and west, on half hours and on UTC", () => {
    for (const zone of ['Europe/Rome', 'America/St_Johns', 'Asia/Kolkata', 'Pacific/Chatham', 'UTC']) {
      for (let t = Date.UTC(2025, 0, 1); t < Date.UTC(2026, 0, 1); t += 5 * 3_600_000 + 1_017_000) {
        const expected = format(new TZDate(t, zone), "yyyy-MM-dd'T'HH:mm:ssxxx");
        expect(instantToIso(new Date(t), zone), `${zone} ${new Date(t).toISOString()}`).toBe(expected);
      }
    }
  });

  it('rejects what is not an Open2b datetime', () => {
    for (const bad of ['2025-02-30 10:00:00', '2025-01-01T10:00:00', '2025-01-01 24:00:00', '', 'yesterday'])
      expect(shopTimeToInstant(bad, ROME)).toBeUndefined();
    expect(shopTimeToIso(null, ROME)).toBeUndefined();
  });
});
