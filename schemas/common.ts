import { z } from '@hono/zod-openapi';
import countries from 'i18n-iso-countries';

/** Longest string the canonical API accepts anywhere; backends may allow less (and say so). */
export const MAX_STRING = 256;

/** A lone UTF-16 surrogate (`"\ud800"` is valid JSON): no platform can store it as sent (it becomes U+FFFD). */
const LONE_SURROGATE = /\p{Cs}/u;
/** Control characters (tab, line breaks, NUL, ESC…): in a name or an address line they break labels, CSV exports and logs. */
const CONTROL = /\p{Cc}/u;

/** Why `value` is not a single line of text, if it is not (the first reason only: one error per field). */
function notText(value: string): string | undefined {
  if (LONE_SURROGATE.test(value)) return 'contains a lone UTF-16 surrogate, which is not text';
  if (CONTROL.test(value)) return 'must not contain control characters (tabs, line breaks)';
  // Empty is min(1)'s to say; spaces alone are no name, street or city either.
  if (value.length > 0 && value.trim() === '') return 'must not be blank';
  return undefined;
}

export const text = (max = MAX_STRING) =>
  z
    .string()
    .min(1)
    .max(max)
    .superRefine((value, ctx) => {
      const problem = notText(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

/** ISO 3166-1 alpha-2, checked against the ISO list rather than a bare regex. */
export const CountryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code in upper case')
  .refine((code) => countries.isValid(code), 'is not an ISO 3166-1 alpha-2 country code')
  .openapi({ example: 'DE' });

export const DateTime = z.iso.datetime({ offset: true }).openapi({ example: '2024-03-01T09:30:00+01:00' });
/** Earliest birth date accepted: older ones are typing errors (0990 for 1990), not customers. */
export const EARLIEST_BIRTH_DATE = '1800-01-01';
/**
 * A calendar date from EARLIEST_BIRTH_DATE to today, where today is the latest date on Earth now
 * (UTC+14): someone born today in Kiribati may register at once.
 */
export const BirthDate = z.iso
  .date()
  .refine(
    // (A malformed date is z.iso.date()'s to name: this check says nothing about it.)
    (date) =>
      !/^\d{4}-\d{2}-\d{2}$/.test(date) ||
      (date >= EARLIEST_BIRTH_DATE && date <= new Date(Date.now() + 14 * 3_600_000).toISOString().slice(0, 10)),
    `must be a date from ${EARLIEST_BIRTH_DATE} to today`,
  )
  .openapi({ example: '1990-05-17' });

/** Deeper than any real custom attribute; bounds what the backends (and structuredClone) must walk. */
export const MAX_CUSTOM_DEPTH = 16;
const nestsWithin = (value: unknown, left: number): boolean =>
  value === null ||
  typeof value !== 'object' ||
  (left > 0 && Object.values(value).every((v) => nestsWithin(v, left - 1)));

/**
 * Numbers JSON carries that no backend stores as sent: JSON.parse has already rounded an integer
 * beyond ±2^53 (12345678901234567890 arrives as …000) and made 1e400 Infinity (stored as null).
 */
const UNSTORABLE_NUMBER = 'not stored as sent: beyond ±2^53 (or not finite) a number loses digits; send it as a string';
const isUnstorableNumber = (value: number) =>
  !Number.isFinite(value) || (Number.isInteger(value) && !Number.isSafeInteger(value));

/** The paths of such numbers in a custom value (as deep as it may nest). */
function* unstorableNumbers(value: unknown, path: (string | number)[], left: number): Generator<(string | number)[]> {
  if (typeof value === 'number' && isUnstorableNumber(value)) yield path;
  if (value === null || typeof value !== 'object' || left < 0) return;
  for (const [key, item] of Object.entries(value))
    yield* unstorableNumbers(item, [...path, Array.isArray(value) ? Number(key) : key], left - 1);
}

/** JSON values carried through `custom` untouched, so a number that cannot be is refused by path. */
export const CustomFields = z
  .record(z.string().min(1).max(MAX_STRING), z.unknown())
  .refine((value) => nestsWithin(value, MAX_CUSTOM_DEPTH), `must not nest deeper than ${MAX_CUSTOM_DEPTH} levels`)
  .superRefine((value, ctx) => {
    for (const path of unstorableNumbers(value, [], MAX_CUSTOM_DEPTH))
      ctx.addIssue({ code: 'custom', path, message: UNSTORABLE_NUMBER });
  })
  .openapi({ example: { origin: 'webshop' } });

type PatchShape<S extends z.ZodRawShape> = {
  [K in keyof S]: S[K] extends z.ZodOptional<infer Inner extends z.ZodType>
    ? z.ZodOptional<z.ZodNullable<Inner>>
    : z.ZodOptional<S[K]>;
};

/**
 * The shape of a partial update derived from a writable shape: every field becomes optional
 * (absent = unchanged) and a field that is optional on the resource may also be `null` (= clear).
 */
export function patchShape<S extends z.ZodRawShape>(shape: S): PatchShape<S> {
  const out: Record<string, z.ZodType> = {};
  for (const [key, schema] of Object.entries(shape)) {
    out[key] =
      schema instanceof z.ZodOptional
        ? (schema.unwrap() as z.ZodType).nullable().optional()
        : (schema as z.ZodType).optional();
  }
  return out as PatchShape<S>;
}
