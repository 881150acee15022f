import { z } from 'zod';

/**
 * Loose schemas of the OCAPI documents the adapter reads: only what it maps is checked, the rest
 * passes through (custom `c_*` attributes, fields of later API versions).
 */
const text = z.string();
const timestamp = z.string().optional();

export const OcapiAddressSchema = z.looseObject({
  address_id: text.min(1),
  address1: text.optional(),
  address2: text.optional(),
  city: text.optional(),
  company_name: text.optional(),
  country_code: text.optional(),
  first_name: text.optional(),
  full_name: text.optional(),
  job_title: text.optional(),
  last_name: text.optional(),
  phone: text.optional(),
  post_box: text.optional(),
  postal_code: text.optional(),
  preferred: z.boolean().optional(),
  salutation: text.optional(),
  second_name: text.optional(),
  state_code: text.optional(),
  suffix: text.optional(),
  suite: text.optional(),
  title: text.optional(),
  creation_date: timestamp,
  last_modified: timestamp,
});

export const OcapiCustomerSchema = z.looseObject({
  customer_id: text.min(1),
  customer_no: text.optional(),
  auth_type: z.enum(['guest', 'registered']).optional(),
  email: text.optional(),
  login: text.optional(),
  enabled: z.boolean().optional(),
  first_name: text.optional(),
  last_name: text.optional(),
  second_name: text.optional(),
  title: text.optional(),
  salutation: text.optional(),
  suffix: text.optional(),
  gender: z.number().int().optional(),
  birthday: text.optional(),
  company_name: text.optional(),
  job_title: text.optional(),
  phone_home: text.optional(),
  phone_mobile: text.optional(),
  phone_business: text.optional(),
  fax: text.optional(),
  creation_date: timestamp,
  last_modified: timestamp,
  last_login_time: timestamp,
  addresses: z.array(OcapiAddressSchema).optional(),
  /** Data API customers carry login and enabled here. */
  credentials: z.looseObject({ login: text.optional(), enabled: z.boolean().optional() }).optional(),
});

/** Paged results: only `total` (and the items) drive paging; `count`/`start` are not relied on. */
export const AddressResultSchema = z.looseObject({
  data: z.array(OcapiAddressSchema).default([]),
  total: z.number().int().min(0),
});

export const CustomerSearchResultSchema = z.looseObject({
  hits: z.array(z.looseObject({ data: OcapiCustomerSchema })).default([]),
  total: z.number().int().min(0),
});

export const TokenResponseSchema = z.looseObject({
  access_token: text.min(1),
  token_type: text.optional(),
  expires_in: z.number().positive(),
});

export const ResetTokenResultSchema = z.looseObject({ reset_token: text.min(1) });

/** Argument values may be plain or typed `{type, value}`. */
export const FaultSchema = z.looseObject({
  fault: z.looseObject({
    type: text,
    message: text.optional(),
    arguments: z.record(z.string(), z.unknown()).optional(),
  }),
});

export type OcapiAddress = z.infer<typeof OcapiAddressSchema>;
export type OcapiCustomer = z.infer<typeof OcapiCustomerSchema>;
export type OcapiFault = z.infer<typeof FaultSchema>['fault'];
