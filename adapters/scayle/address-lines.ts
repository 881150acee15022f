/**
 * SCAYLE stores an address line as `street` + `houseNumber`; the canonical model has `line1`.
 * The two are joined in the country's order and a written `line1` is split back.
 */

/**
 * Countries that write the house number before the street ("12 St James Square"). Everywhere
 * else (DE, AT, CH, NL, IT, ES, BE, the Nordics, …) it follows the street ("Hauptstraße 5").
 */
export const NUMBER_FIRST_COUNTRIES: ReadonlySet<string> = new Set([
  'US',
  'GB',
  'IE',
  'FR',
  'MC',
  'LU',
  'CA',
  'AU',
  'NZ',
  'SG',
  'ZA',
  'IN',
  'PH',
  'MY',
]);

// A house number: digits, an optional letter ("5a", "5 a"), optional ranges or fractions ("12-14", "3/1").
const HOUSE = String.raw`\d+(?:\s?[A-Za-z](?![A-Za-z]))?(?:\s?[-/]\s?\d+(?:[A-Za-z](?![A-Za-z]))?)*`;
// "Via Roma, 12" / "Calle Mayor, 5": a comma before a trailing number belongs to neither part.
const NUMBER_LAST = new RegExp(String.raw`^(.+?),?\s+(${HOUSE})$`);
const NUMBER_FIRST = new RegExp(String.raw`^(${HOUSE}),?\s+(.+)$`);

export interface StreetParts {
  street: string;
  houseNumber: string | null;
}

const numberFirst = (countryCode: string) => NUMBER_FIRST_COUNTRIES.has(countryCode);

/** `street` and `houseNumber` as one line, in the order the country writes them. */
export function joinLine(street: string, houseNumber: string | null | undefined, countryCode: string): string {
  if (!houseNumber) return street;
  return numberFirst(countryCode) ? `${houseNumber} ${street}` : `${street} ${houseNumber}`;
}

/** Splits a line back; a line without a recognisable house number is all street. */
export function splitLine(line: string, countryCode: string): StreetParts {
  const text = line.trim().replace(/\s+/g, ' ');
  if (numberFirst(countryCode)) {
    const m = NUMBER_FIRST.exec(text);
    return m ? { street: m[2]!, houseNumber: m[1]! } : { street: text, houseNumber: null };
  }
  const m = NUMBER_LAST.exec(text);
  return m ? { street: m[1]!, houseNumber: m[2]! } : { street: text, houseNumber: null };
}

/**
 * What to store for a written address. Explicit `street`/`houseNumber` win over `line1` for the
 * split, but a `line1` that says something else is refused rather than dropped; `line1` fills in
 * what they leave open. Returns a problem (field + reason) when they contradict each other.
 */
export function streetPartsFor(
  input: { line1?: string; street?: string | null; houseNumber?: string | null },
  countryCode: string,
): StreetParts | { field: 'line1' | 'street' | 'houseNumber'; message: string } {
  const split = input.line1 === undefined ? undefined : splitLine(input.line1, countryCode);
  if (input.street) {
    const houseNumber =
      input.houseNumber !== undefined
        ? input.houseNumber
        : split && split.street === input.street
          ? split.houseNumber
          : null;
    const parts = { street: input.street, houseNumber };
    if (split && !sameLine(input.line1!, split, parts, countryCode)) {
      return {
        field: 'line1',
        message: `does not match street and houseNumber (they make "${joinLine(parts.street, parts.houseNumber, countryCode)}")`,
      };
    }
    return parts;
  }
  if (!split) return { field: 'street', message: 'line1 or street is required' };
  if (input.houseNumber) {
    if (split.houseNumber && split.houseNumber !== input.houseNumber) {
      return { field: 'houseNumber', message: `does not match the house number in line1 (${split.houseNumber})` };
    }
    return { street: split.street, houseNumber: input.houseNumber };
  }
  if (input.houseNumber === null) return { street: input.line1!.trim(), houseNumber: null };
  return split;
}

/** Whether a written line1 says the same as explicit parts: it splits into them, or they join into it. */
function sameLine(line1: string, split: StreetParts, parts: StreetParts, countryCode: string): boolean {
  if (split.street === parts.street && split.houseNumber === parts.houseNumber) return true;
  return line1.trim().replace(/\s+/g, ' ') === joinLine(parts.street, parts.houseNumber, countryCode);
}
