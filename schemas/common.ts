import { z } from '@hono/zod-openapi';
import countries from 'i18n-iso-countries';

/** Longest string the canonical API accepts anywhere; backends may allow less (and say so). */
export const MAX_STRING = 256;

export const text = (max = MAX_STRING) => z.string().min(1).max(max);

/** ISO 3166-1 alpha-2, checked against the ISO list rather than a bare regex. */
export const CountryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code in upper case')
  .refine((code) => countries.isValid(code), 'is not an ISO 3166-1 alpha-2 country code')
  .openapi({ example: 'DE' });

export const DateTime = z.iso.datetime({ offset: true }).openapi({ example: '2024-03-01T09:30:00+01:00' });
export const BirthDate = z.iso.date().openapi({ example: '1990-05-17' });

/** Deeper than any real custom attribute; bounds what the backends (and structuredClone) must walk. */
export const MAX_CUSTOM_DEPTH = 16;
const nestsWithin = (value: unknown, left: number): boolean =>
  value === null ||
  typeof value !== 'object' ||
  (left > 0 && Object.values(value).every((v) => nestsWithin(v, left - 1)));

/** JSON values carried through `custom` untouched. */
export const CustomFields = z
  .record(z.string().min(1).max(MAX_STRING), z.unknown())
  .refine((value) => nestsWithin(value, MAX_CUSTOM_DEPTH), `must not nest deeper than ${MAX_CUSTOM_DEPTH} levels`)
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
