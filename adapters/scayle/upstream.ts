import { z } from 'zod';

/**
 * Loose schemas of what SCAYLE's Admin API answers (shapes from SCAYLE's SDK fixtures): the
 * fields the gateway reads are checked, everything else passes through untouched. Optional
 * fields come as null or are left out, so both are accepted.
 */

const optionalText = z.string().nullish();
const gender = z.enum(['m', 'f', 'd', 'n']).nullish();

export const ScayleRecipientSchema = z.looseObject({
  firstName: optionalText,
  lastName: optionalText,
  gender: z.string().nullish(),
  title: optionalText,
  type: optionalText,
});

export const ScayleCollectionPointSchema = z.looseObject({
  customerKey: optionalText,
  description: optionalText,
  key: z.string(),
  type: z.string(),
});

export const ScayleAddressSchema = z.looseObject({
  id: z.int().positive(),
  referenceKey: optionalText,
  street: z.string(),
  houseNumber: optionalText,
  additional: optionalText,
  zipCode: z.string(),
  city: z.string(),
  countryCode: z.string(),
  state: optionalText,
  phone: optionalText,
  isDefault: z.looseObject({ billing: z.boolean().nullish(), shipping: z.boolean().nullish() }).nullish(),
  recipient: ScayleRecipientSchema.nullish(),
  collectionPoint: ScayleCollectionPointSchema.nullish(),
  createdAt: optionalText,
  updatedAt: optionalText,
});

/** PHP answers an empty map as []: both mean "no custom data". */
const legacyCustomData = z.union([z.record(z.string(), z.unknown()), z.array(z.unknown()).max(0)]).nullish();

export const ScayleCustomerSchema = z.looseObject({
  id: z.int().positive(),
  referenceKey: optionalText,
  firstName: optionalText,
  lastName: optionalText,
  gender,
  birthDate: optionalText,
  email: z.string(),
  phone: optionalText,
  publicKey: optionalText,
  title: optionalText,
  type: optionalText,
  // The docs table says string, the SDK fixtures send an array: take both.
  groups: z.union([z.array(z.string()), z.string()]).nullish(),
  status: z.looseObject({ isActive: z.boolean(), isGuestCustomer: z.boolean().nullish() }).nullish(),
  company: z.looseObject({ id: z.int().nullish(), name: optionalText }).nullish(),
  addresses: z.array(ScayleAddressSchema).nullish(),
  legacyCustomData,
  hasPassword: z.boolean().nullish(),
  createdAt: optionalText,
  updatedAt: optionalText,
});

export const ScayleCustomerListSchema = z.looseObject({
  entities: z.array(ScayleCustomerSchema),
  cursor: z.looseObject({ next: z.union([z.string(), z.number()]).nullish() }).nullish(),
});

export const ScayleAddressListSchema = z.looseObject({ entities: z.array(ScayleAddressSchema) });

export const ScayleStatusSchema = z.looseObject({ isActive: z.boolean(), isGuestCustomer: z.boolean() });

export const ScayleErrorBodySchema = z.looseObject({
  errors: z.array(
    z.looseObject({
      errorKey: z.string().nullish(),
      message: z.string().nullish(),
      context: z.unknown().optional(),
    }),
  ),
});

export type ScayleCustomer = z.infer<typeof ScayleCustomerSchema>;
export type ScayleAddress = z.infer<typeof ScayleAddressSchema>;
