import {
  AddressCreateSchema,
  CustomerCreateSchema,
  PhonesSchema,
  type CustomerCreateInput,
} from '../../schemas/index.js';

/**
 * Leaving fields out is the one lossy step, and only on request (`--omit`): a target that cannot
 * store a field (SCAYLE has no salutation, Open2b no gender, …) otherwise refuses the customer,
 * which is the safe default. Paths: a customer field (`salutation`), a phone (`phones.mobile`),
 * an address field on every address (`addresses.companyName`) or a custom key (`custom.origin`).
 */
const NOT_OMITTABLE = new Set(['externalRef', 'active', 'password', 'email']);
const NESTED: Record<string, string[] | 'any'> = {
  phones: Object.keys(PhonesSchema.shape),
  addresses: Object.keys(AddressCreateSchema.shape),
  custom: 'any',
};

/** Whether a field of the canonical create models may be absent (optional, or with a default). */
export const mayBeAbsent = (schema: { safeParse(value: unknown): { success: boolean } } | undefined) =>
  schema?.safeParse(undefined).success === true;

/** Address fields every address must have (the canonical model's): without one, no address could be written. */
const REQUIRED_ADDRESS_FIELDS = new Set(
  Object.entries(AddressCreateSchema.shape)
    .filter(([, schema]) => !mayBeAbsent(schema))
    .map(([name]) => name),
);

/** A message per path that cannot be omitted (typo, or a field the migration needs). */
export function checkOmitPaths(paths: string[]): string[] {
  const customerFields = Object.keys(CustomerCreateSchema.shape);
  const problems: string[] = [];
  for (const path of paths) {
    const [field, sub, ...rest] = path.split('.');
    if (!field || !customerFields.includes(field)) problems.push(`${path}: not a customer field`);
    else if (NOT_OMITTABLE.has(field)) problems.push(`${path}: cannot be left out (the migration needs it)`);
    else if (sub !== undefined) {
      const allowed = NESTED[field];
      if (!allowed || rest.length > 0 || (allowed !== 'any' && !allowed.includes(sub)))
        problems.push(`${path}: not a field of ${field}`);
      else if (field === 'addresses' && REQUIRED_ADDRESS_FIELDS.has(sub))
        problems.push(
          `${path}: cannot be left out (every address needs it; --omit addresses leaves out the addresses)`,
        );
    }
  }
  return problems;
}

const isEmptyObject = (v: unknown) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0;

/** The input without the given paths; `omitted` names those that held a value (what this customer lost). */
export function omitFields(
  input: CustomerCreateInput,
  paths: string[],
): { input: CustomerCreateInput; omitted: string[] } {
  const out = structuredClone(input) as Record<string, any>;
  const omitted: string[] = [];
  for (const path of paths) {
    const [field, sub] = path.split('.') as [string, string | undefined];
    if (sub === undefined) {
      if (out[field] !== undefined) omitted.push(path);
      delete out[field];
    } else if (field === 'addresses') {
      for (const address of (out.addresses ?? []) as Record<string, unknown>[]) {
        if (address[sub] !== undefined && !omitted.includes(path)) omitted.push(path);
        delete address[sub];
      }
    } else if (out[field] && typeof out[field] === 'object') {
      if (out[field][sub] !== undefined) omitted.push(path);
      delete out[field][sub];
      if (isEmptyObject(out[field])) delete out[field];
    }
  }
  return { input: out as CustomerCreateInput, omitted };
}
