import countries from 'i18n-iso-countries';
import { z } from 'zod';
import { ERROR_KEYS, ScayleHttpError, scayleError, type ScayleError } from './wire.js';

/**
 * What the emulator accepts as request bodies, modelled on the payloads of SCAYLE's own SDK
 * fixtures. Strict: a field SCAYLE does not take is a 400 naming it, so adapter bugs surface.
 */

const str = (max = 255) => z.string().min(1).max(max);
const gender = z.enum(['m', 'f', 'd', 'n']);
const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD');
const alpha3 = z
  .string()
  .regex(/^[A-Z]{3}$/, 'must be an ISO 3166-1 alpha-3 code')
  .refine((code) => countries.isValid(code), 'is not an ISO 3166-1 alpha-3 country code');

export const CustomerCreateBody = z.strictObject({
  referenceKey: str().nullish(),
  firstName: str().nullish(),
  lastName: str().nullish(),
  gender: gender.nullish(),
  birthDate: date.nullish(),
  email: z.email().max(255),
  phone: str(50).nullish(),
  publicKey: str().nullish(),
  title: str().nullish(),
  groups: z.array(str()).optional(),
  identities: z
    .array(z.strictObject({ identityProviderCode: str(), externalUserId: z.string().nullable() }))
    .optional(),
  legacyCustomData: z.record(z.string(), z.unknown()).optional(),
});

/** PATCH takes the personal fields only; reference key, status, groups and custom data have their own endpoints. */
export const CustomerUpdateBody = z.strictObject({
  firstName: str().nullish(),
  lastName: str().nullish(),
  gender: gender.nullish(),
  birthDate: date.nullish(),
  email: z.email().max(255).optional(),
  phone: str(50).nullish(),
  publicKey: str().nullish(),
  title: str().nullish(),
});

export const ReferenceKeyBody = z.strictObject({ referenceKey: str() });
const hashingType = z.enum(['internal', 'external', 'salesforce']);
export const PasswordBody = z.strictObject({ password: z.string(), hashingType });
export const PasswordHashBody = z.strictObject({ hash: z.string(), hashingType });
export const StatusBody = z.strictObject({ isActive: z.boolean(), isGuestCustomer: z.boolean() });
export const GroupsBody = z.strictObject({ groups: z.array(str()).min(1) });
export const LegacyCustomDataBody = z.record(z.string(), z.unknown());

const recipient = z.strictObject({
  firstName: str().nullish(),
  lastName: str().nullish(),
  gender: gender.nullish(),
  title: str(30).nullish(),
  type: str().nullish(),
});
const collectionPoint = z.strictObject({
  customerKey: str().nullish(),
  description: str().nullish(),
  key: str(),
  type: str(),
});
const isDefault = z.strictObject({ billing: z.boolean().optional(), shipping: z.boolean().optional() });

export const AddressCreateBody = z.strictObject({
  referenceKey: str().nullish(),
  street: str(),
  houseNumber: str(50).nullish(),
  additional: str().nullish(),
  zipCode: str(20),
  city: str(),
  countryCode: alpha3,
  state: str().nullish(),
  phone: str(50).nullish(),
  isDefault: isDefault.optional(),
  recipient: recipient.nullish(),
  collectionPoint: collectionPoint.nullish(),
});

export const AddressUpdateBody = z.strictObject({
  street: str().optional(),
  houseNumber: str(50).nullish(),
  additional: str().nullish(),
  zipCode: str(20).optional(),
  city: str().optional(),
  countryCode: alpha3.optional(),
  state: str().nullish(),
  phone: str(50).nullish(),
  isDefault: isDefault.optional(),
  recipient: recipient.nullish(),
  collectionPoint: collectionPoint.nullish(),
});

/** Parses a body or throws SCAYLE's 400 with one error per offending field (`context.field`). */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const errors: ScayleError[] = [];
  for (const issue of result.error.issues) {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const field = base ? `${base}.${key}` : key;
        errors.push(scayleError(ERROR_KEYS.unknownField, `The field ${field} is not allowed.`, { field }));
      }
    } else if (issue.code === 'invalid_type' && issue.message.includes('undefined')) {
      errors.push(scayleError(ERROR_KEYS.requiredField, `The field ${base} is required.`, { field: base }));
    } else {
      errors.push(scayleError(ERROR_KEYS.invalidField, `The field ${base} ${issue.message}.`, { field: base }));
    }
  }
  throw new ScayleHttpError(400, errors);
}
