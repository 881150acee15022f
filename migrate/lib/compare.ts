import type { Address, AddressCreate } from '../../schemas/index.js';

type AddressLike = Pick<Address, 'countryCode' | 'postalCode' | 'city' | 'lastName' | 'line1'>;

/** Lowercased words of a text, letters and digits only: "Via Roma, 12" and "Via Roma 12" match. */
const words = (text: string | undefined) =>
  (text ?? '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

/**
 * What identifies an address across platforms. Ids do not survive a move (most targets number
 * addresses), and targets reshape the street line (SCAYLE splits it into street and house number
 * and puts the number first for some countries), so the key is country, postal code, city, last
 * name and the *set* of words of line1.
 */
export function addressKey(address: AddressLike): string {
  return [
    address.countryCode.toUpperCase(),
    address.postalCode.replace(/\s+/g, '').toUpperCase(),
    words(address.city).join(' '),
    words(address.lastName).join(' '),
    words(address.line1).sort().join(' '),
  ].join('|');
}

/**
 * Pairs each wanted address with one present address of the same key (an address book may hold
 * the same address twice). Answers the pairs and the wanted addresses left without one.
 */
export function pairAddresses<W extends AddressLike, P extends AddressLike>(
  wanted: W[],
  present: P[],
): { pairs: [W, P][]; missing: W[]; extra: P[] } {
  const free = new Map<string, P[]>();
  for (const p of present) free.set(addressKey(p), [...(free.get(addressKey(p)) ?? []), p]);
  const pairs: [W, P][] = [];
  const missing: W[] = [];
  for (const w of wanted) {
    const match = free.get(addressKey(w))?.shift();
    if (match) pairs.push([w, match]);
    else missing.push(w);
  }
  return { pairs, missing, extra: [...free.values()].flat() };
}

/** Leaves only the fields a comparison looks at: what the create input carries, minus the id. */
export function comparableAddress(address: AddressCreate | Address): Record<string, unknown> {
  const { id: _id, createdAt: _c, updatedAt: _u, ...rest } = address as Address;
  return rest;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const empty = (v: unknown) =>
  v === undefined ||
  v === null ||
  v === '' ||
  (Array.isArray(v) && v.length === 0) ||
  (isPlainObject(v) && Object.keys(v).length === 0);

/**
 * Field paths whose values differ between what was sent and what the target holds. Only fields
 * the sent side has are compared (a target may add defaults), nested objects path by path.
 * `ignore` says which paths to skip (`salutation`, `phones.mobile`); text compares trimmed, lists
 * (groups) in any order.
 */
export function differingFields(
  sent: Record<string, unknown>,
  held: Record<string, unknown>,
  ignore: (path: string) => boolean,
  prefix = '',
): string[] {
  const out: string[] = [];
  for (const [key, value] of Object.entries(sent)) {
    const path = `${prefix}${key}`;
    if (ignore(path) || (empty(value) && empty(held[key]))) continue;
    const other = held[key];
    // An object the target lacks entirely is compared key by key too, so lossy keys stay ignored.
    if (isPlainObject(value) && (isPlainObject(other) || empty(other)))
      out.push(...differingFields(value, isPlainObject(other) ? other : {}, ignore, `${path}.`));
    else if (!sameValue(value, other)) out.push(path);
  }
  return out;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.trim() === b.trim();
  if (Array.isArray(a) && Array.isArray(b)) return JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
  return JSON.stringify(a) === JSON.stringify(b);
}
