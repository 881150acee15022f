import { mayBeAbsent } from './omit.js';
import {
  AddressCreateSchema,
  CustomerCreateSchema,
  type CustomerCreateInput,
  PhonesSchema,
} from '../../schemas/index.js';

/** Control characters (a CR/LF or a tab a legacy form left in a line), as the canonical API refuses them. */
const CONTROL = /\p{Cc}+/gu;

/**
 * What platforms already hold that the canonical API refuses in a write: control characters in a
 * name or a line become a space, and an optional field that holds only spaces is left out. The
 * person's data moves as it reads, with each change noted; a required field left blank still fails
 * by name (there is nothing to write in its place). Custom fields are carried untouched.
 */
export function cleanLegacyText(input: CustomerCreateInput): { input: CustomerCreateInput; cleaned: string[] } {
  const cleaned: string[] = [];
  const cleanObject = (
    record: Record<string, unknown>,
    shape: Record<string, { safeParse(value: unknown): { success: boolean } }>,
    prefix: string,
  ) => {
    for (const [key, value] of Object.entries(record)) {
      if (key === 'custom' || key === 'email' || key === 'password') continue;
      if (typeof value === 'string') {
        const single = value.replace(CONTROL, ' ');
        if (single.trim() === '' && value !== '' && mayBeAbsent(shape[key])) {
          delete record[key];
          cleaned.push(`${prefix}${key} (blank: left out)`);
        } else if (single !== value && single.trim() !== '') {
          record[key] = single.trim();
          cleaned.push(`${prefix}${key} (control characters)`);
        }
      } else if (key === 'phones' && value && typeof value === 'object') {
        cleanObject(value as Record<string, unknown>, PhonesSchema.shape as never, `${prefix}phones.`);
        if (Object.keys(value).length === 0) delete record[key];
      }
    }
  };
  const out = structuredClone(input) as Record<string, unknown>;
  cleanObject(out, CustomerCreateSchema.shape as never, '');
  for (const [i, address] of ((out.addresses ?? []) as Record<string, unknown>[]).entries())
    cleanObject(address, AddressCreateSchema.shape as never, `addresses.${i}.`);
  return { input: out as CustomerCreateInput, cleaned };
}
