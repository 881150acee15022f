import { z } from 'zod';

/**
 * Loose schemas of what Open2b answers (seed: commerce.customers). Unknown keys are stripped, so
 * anything we do not map (encryptedPassword above all, should an upstream send it unasked) never
 * travels further than the parse.
 */
const text = z.string();
const optionalText = z
  .string()
  .nullish()
  .transform((v) => v ?? '');

/** The postal fields both address slots share. */
const postalWire = {
  street1: optionalText,
  street2: optionalText,
  city: optionalText,
  postalCode: optionalText,
  stateProv: optionalText,
  country: optionalText,
};

export const BillingAddressWire = z.object({
  firstName: optionalText,
  lastName: optionalText,
  // Not mapped, but read so every billing-address write sends them back unchanged: an update
  // carries the whole billing address, and what it leaves out may be cleared.
  personalCode: optionalText,
  companyName: optionalText,
  companyCode: optionalText,
  companyCode2: optionalText,
  ...postalWire,
  phoneNumber: optionalText,
  mobileNumber: optionalText,
  faxNumber: optionalText,
  email: text,
});

export const ShippingAddressWire = z.object({ name: optionalText, ...postalWire });

export const CustomerWire = z.object({
  id: z.number().int().positive(),
  code: optionalText,
  canLogin: z.boolean(),
  hasPassword: z.boolean(),
  creationTime: z.string().nullish(),
  loginTime: z.string().nullish(),
  updateTime: z.string().nullish(),
  group: z.number().int(),
  billingAddress: BillingAddressWire,
  shippingAddress: ShippingAddressWire.nullable(),
});

/**
 * The only fields we ever ask for. `encryptedPassword` is deliberately absent: it never leaves
 * Open2b because we never request it.
 */
export const CUSTOMER_FIELDS = [
  'id',
  'code',
  'canLogin',
  'hasPassword',
  'creationTime',
  'loginTime',
  'updateTime',
  'group',
  'billingAddress',
  'shippingAddress',
] as const;

export const ErrorWire = z.object({
  status: z.literal('error'),
  error: z.object({ field: z.string().nullish(), type: z.string(), description: z.string().nullish() }),
});

/** The Open2b API methods the adapter calls (seed: commerce.customers). */
export const METHODS = {
  find: 'commerce.customers.find',
  get: 'commerce.customers.get',
  count: 'commerce.customers.count',
  create: 'commerce.customers.create',
  update: 'commerce.customers.update',
  delete: 'commerce.customers.delete',
  authenticate: 'commerce.customers.authenticate',
} as const;

export const GetAnswer = z.object({ status: z.literal('ok'), customer: CustomerWire.nullable() });
export const FindAnswer = z.object({ status: z.literal('ok'), customers: z.array(CustomerWire) });
export const CountAnswer = z.object({ status: z.literal('ok'), count: z.number().int().min(0) });
export const CreateAnswer = z.object({ status: z.literal('ok'), id: z.number().int().positive() });
export const OkAnswer = z.object({ status: z.literal('ok') });
/** With `fields: ["id"]`: just whether (and whom) the password authenticated. */
export const AuthenticateAnswer = z.object({
  status: z.literal('ok'),
  customer: z.object({ id: z.number().int() }).nullable(),
});

export type CustomerWire = z.infer<typeof CustomerWire>;
export type BillingAddressWire = z.infer<typeof BillingAddressWire>;
export type ShippingAddressWire = z.infer<typeof ShippingAddressWire>;

/**
 * What we send: every field Open2b requires on a billing address, the rest as empty strings; on
 * an update also the unmapped codes as they were read.
 */
/** The postal fields of both slots, as sent. */
interface PostalBody {
  street1: string;
  street2: string;
  city: string;
  postalCode: string;
  stateProv: string;
  country: string;
}

export interface BillingAddressBody extends PostalBody {
  firstName: string;
  lastName: string;
  personalCode?: string;
  companyName: string;
  companyCode?: string;
  companyCode2?: string;
  phoneNumber: string;
  mobileNumber: string;
  faxNumber: string;
  email: string;
}

export interface ShippingAddressBody extends PostalBody {
  name: string;
}

export interface CustomerBody {
  code?: string;
  canLogin?: boolean;
  password?: { value: string };
  group?: number;
  billingAddress?: BillingAddressBody;
  shippingAddress?: ShippingAddressBody | null;
}
