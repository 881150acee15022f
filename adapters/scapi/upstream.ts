import { z } from 'zod';

/**
 * Loose zod schemas of what SCAPI answers (customers-admin 1.1.3, shopper-login-slas 1.50.0,
 * shopper-customers 1.8.0): the fields the adapter reads are checked, everything else passes.
 */

const text = z.string().optional();

export const ScapiAddressSchema = z.looseObject({
  addressId: z.string().min(1),
  countryCode: text,
  lastName: text,
  firstName: text,
  etag: text,
  creationDate: text,
  lastModified: text,
});
export type ScapiAddress = z.infer<typeof ScapiAddressSchema>;

export const ScapiCustomerSchema = z.looseObject({
  customerNo: z.string().min(1),
  customerId: text,
  credentials: z
    .looseObject({ login: z.string(), enabled: z.boolean().optional(), locked: z.boolean().optional() })
    .optional(),
  email: text,
  lastName: text,
  gender: z.number().int().optional(),
  birthday: text,
  creationDate: text,
  lastModified: text,
  lastLoginTime: text,
  primaryAddress: ScapiAddressSchema.optional(),
});
export type ScapiCustomer = z.infer<typeof ScapiCustomerSchema>;

export const CustomerSearchResultSchema = z.looseObject({
  hits: z.array(z.looseObject({ data: ScapiCustomerSchema })),
  total: z.number().int().min(0),
});

export const AddressResultSchema = z.looseObject({
  data: z.array(ScapiAddressSchema).default([]),
  total: z.number().int().min(0),
});

/** Account Manager's client-credentials answer. */
export const AmTokenSchema = z.looseObject({ access_token: z.string().min(1), expires_in: z.number().positive() });

/** SLAS `TokenResponse` (the fields the adapter uses). */
export const SlasTokenSchema = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: z.string(),
  customer_id: z.string(),
  usid: z.string().optional(),
});

/** Shopper Customers: the registered customer, and the password reset token. */
export const ShopperCustomerSchema = z.looseObject({ customerId: z.string().min(1), customerNo: z.string().min(1) });
export const ResetTokenSchema = z.looseObject({ resetToken: z.string().min(1), login: z.string() });

/** RFC 7807 `ErrorResponse` (title, type, detail required; extension members allowed). */
export const ProblemSchema = z.looseObject({ type: z.string(), title: text, detail: text });
/** SLAS `Oauth2ErrorResponse`. */
export const OAuthErrorSchema = z.looseObject({ error: z.string(), error_description: text });
