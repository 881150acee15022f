import { z } from '@hono/zod-openapi';
import { CountryCode, DateTime, MAX_STRING, patchShape, text } from './common.js';

export const CollectionPointSchema = z
  .strictObject({
    key: text(),
    type: text(),
    description: text().optional(),
    customerKey: text().optional(),
  })
  .openapi('CollectionPoint');

/** An address id is the backend's own: OCAPI names addresses, others number them. */
export const AddressId = z
  .string()
  .min(1)
  .max(MAX_STRING)
  .regex(/^[^/?#]+$/, 'must not contain "/", "?" or "#"')
  .refine((id) => id.trim() !== '', 'must not be blank')
  // URLs collapse these segments, so such an address could never be read, changed or deleted.
  .refine((id) => id !== '.' && id !== '..', 'must not be "." or ".."')
  .openapi({ example: 'home' });

/** What a caller may write; the resource adds id and timestamps. */
const writableAddress = {
  externalRef: text().optional(),
  firstName: text().optional(),
  lastName: text(),
  fullName: text().optional(),
  secondName: text().optional(),
  title: text().optional(),
  salutation: text().optional(),
  suffix: text().optional(),
  companyName: text().optional(),
  jobTitle: text().optional(),
  line1: text(),
  line2: text().optional(),
  street: text().optional(),
  houseNumber: text(32).optional(),
  postBox: text().optional(),
  suite: text(32).optional(),
  city: text(),
  postalCode: text(32),
  stateCode: text(32).optional(),
  countryCode: CountryCode,
  phone: text(32).optional(),
  isDefaultBilling: z.boolean(),
  isDefaultShipping: z.boolean(),
  collectionPoint: CollectionPointSchema.optional(),
};

export const AddressSchema = z
  .object({
    id: AddressId,
    ...writableAddress,
    createdAt: DateTime.optional(),
    updatedAt: DateTime.optional(),
  })
  .openapi('Address');

export const AddressCreateSchema = z
  .strictObject({
    id: AddressId.optional().openapi({ description: 'For backends that name addresses (OCAPI); made up when absent.' }),
    ...writableAddress,
    isDefaultBilling: z.boolean().default(false),
    isDefaultShipping: z.boolean().default(false),
  })
  .openapi('AddressCreate');

/**
 * Absent = unchanged; `null` clears an optional field. A new `id` renames the address where the
 * backend can (capability `addressRename`).
 */
export const AddressPatchSchema = z
  .strictObject({ id: AddressId.optional(), ...patchShape(writableAddress) })
  .openapi('AddressPatch');

export type Address = z.infer<typeof AddressSchema>;
export type AddressCreate = z.infer<typeof AddressCreateSchema>;
export type AddressCreateInput = z.input<typeof AddressCreateSchema>;
export type AddressPatch = z.infer<typeof AddressPatchSchema>;
export type CollectionPoint = z.infer<typeof CollectionPointSchema>;
