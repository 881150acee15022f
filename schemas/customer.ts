import { z } from '@hono/zod-openapi';
import { AddressCreateSchema, AddressSchema } from './address.js';
import { BirthDate, CustomFields, DateTime, MAX_STRING, patchShape, text } from './common.js';

export const GenderSchema = z.enum(['female', 'male', 'diverse', 'unspecified']).openapi('Gender');

export const PhonesSchema = z
  .strictObject({
    primary: text(32).optional(),
    mobile: text(32).optional(),
    business: text(32).optional(),
    fax: text(32).optional(),
  })
  .openapi('Phones');

export const CustomerStatusSchema = z.object({ active: z.boolean(), guest: z.boolean() }).openapi('CustomerStatus');

/** `ref:<externalRef>` addresses a customer by its external reference. */
export const CustomerId = z.string().min(1).max(MAX_STRING).openapi({ example: '00001' });

export const Email = z.email().max(256).openapi({ example: 'jane.doe@example.com' });
export const Password = z.string().min(1).max(256).openapi({ format: 'password' });

const writableCustomer = {
  externalRef: text(128).optional(),
  email: Email,
  login: text().optional(),
  firstName: text().optional(),
  lastName: text().optional(),
  secondName: text().optional(),
  title: text().optional(),
  salutation: text().optional(),
  suffix: text().optional(),
  gender: GenderSchema.optional(),
  birthDate: BirthDate.optional(),
  companyName: text().optional(),
  jobTitle: text().optional(),
  phones: PhonesSchema.optional(),
  groups: z.array(text()).max(100).optional(),
  custom: CustomFields.optional(),
};

/** On the `live` backend (LIVE_MIGRATION): where the customer lives (docs/live-migration.md). */
export const MigrationStateSchema = z
  .object({
    state: z.enum(['source', 'moved', 'target']).openapi({
      description: '`source`: not moved yet; `moved`: moved to the target; `target`: exists only on the target.',
    }),
    sourceId: z.string().optional(),
    targetId: z.string().optional(),
  })
  .openapi('MigrationState');

export const CustomerSchema = z
  .object({
    id: CustomerId,
    customerNo: z.string().optional(),
    ...writableCustomer,
    status: CustomerStatusSchema,
    hasPassword: z.boolean().optional(),
    createdAt: DateTime.optional(),
    updatedAt: DateTime.optional(),
    lastLoginAt: DateTime.optional(),
    addresses: z.array(AddressSchema).optional(),
    migration: MigrationStateSchema.optional(),
  })
  .openapi('Customer');

export const CustomerCreateSchema = z
  .strictObject({
    ...writableCustomer,
    active: z.boolean().default(true).openapi({ description: 'Whether the customer may log in.' }),
    password: Password.optional(),
    addresses: z
      .array(AddressCreateSchema)
      .max(50)
      // Two addresses named alike: the platform would take the first and refuse the second, after
      // the customer exists. Refused here, for every backend, before anything is written.
      .superRefine((addresses, ctx) => {
        const seen = new Set<string>();
        for (const [i, { id }] of addresses.entries()) {
          if (id === undefined) continue;
          if (seen.has(id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: 'names another address too' });
          seen.add(id);
        }
      })
      .optional()
      .openapi({ description: 'Created with the customer; Open2b requires one (its billing address).' }),
  })
  .openapi('CustomerCreate');

export const CustomerPatchSchema = z
  .strictObject({ ...patchShape(writableCustomer), active: z.boolean().optional() })
  .openapi('CustomerPatch');

/**
 * What a shopper may change on their own profile (PATCH /v1/me): not the fields the merchant
 * controls — whether the account is active, its customer groups (prices, promotions), its CRM
 * reference, its custom attributes.
 */
export const ShopperCustomerPatchSchema = CustomerPatchSchema.omit({
  active: true,
  groups: true,
  externalRef: true,
  custom: true,
})
  .extend({
    currentPassword: Password.optional().openapi({
      format: 'password',
      description: 'Required when `email` or `login` changes: the current password, checked by the platform.',
    }),
  })
  .openapi('ShopperCustomerPatch');

export const PasswordChangeSchema = z
  .strictObject({ currentPassword: Password.optional(), password: Password })
  .openapi('PasswordChange');
/** A shopper changing their own password must prove they know the current one. */
export const ShopperPasswordChangeSchema = z
  .strictObject({ currentPassword: Password, password: Password })
  .openapi('ShopperPasswordChange');

export type Gender = z.infer<typeof GenderSchema>;
export type Phones = z.infer<typeof PhonesSchema>;
export type Customer = z.infer<typeof CustomerSchema>;
export type CustomerCreate = z.infer<typeof CustomerCreateSchema>;
export type CustomerCreateInput = z.input<typeof CustomerCreateSchema>;
export type CustomerPatch = z.infer<typeof CustomerPatchSchema>;
export type PasswordChange = z.infer<typeof PasswordChangeSchema>;
export type ShopperCustomerPatch = z.infer<typeof ShopperCustomerPatchSchema>;
