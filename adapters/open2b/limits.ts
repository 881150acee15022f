/**
 * Every length and range Open2b documents for what this adapter writes (seed: commerce.customers,
 * "string(a…b)" = a to b characters). The one table the adapter checks input against before
 * anything is sent: a value outside it is a 400 naming the field and the limit, never truncated.
 */
export const OPEN2B_LIMITS = {
  code: { min: 0, max: 32 },
  'billingAddress.email': { min: 3, max: 120 },
  'billingAddress.firstName': { min: 1, max: 25 },
  'billingAddress.lastName': { min: 1, max: 25 },
  'billingAddress.companyName': { min: 0, max: 100 },
  'billingAddress.street1': { min: 1, max: 60 },
  'billingAddress.street2': { min: 0, max: 60 },
  'billingAddress.city': { min: 1, max: 25 },
  'billingAddress.postalCode': { min: 1, max: 20 },
  'billingAddress.stateProv': { min: 0, max: 3 },
  'billingAddress.country': { min: 2, max: 2 },
  'billingAddress.phoneNumber': { min: 0, max: 15 },
  'billingAddress.mobileNumber': { min: 0, max: 15 },
  'billingAddress.faxNumber': { min: 0, max: 15 },
  'shippingAddress.name': { min: 1, max: 100 },
  'shippingAddress.street1': { min: 1, max: 60 },
  'shippingAddress.street2': { min: 0, max: 60 },
  'shippingAddress.city': { min: 1, max: 25 },
  'shippingAddress.postalCode': { min: 1, max: 20 },
  'shippingAddress.stateProv': { min: 0, max: 3 },
  'shippingAddress.country': { min: 2, max: 2 },
  /** A plain-text password (create/update answer Malformed outside 6–16). */
  password: { min: 6, max: 16 },
  /** What `authenticate` accepts as a password; anything else cannot match. */
  'authenticate.password': { min: 4, max: 16 },
  /** An integer range, not a length. */
  group: { min: 1, max: 255 },
} as const;

export type LimitedField = keyof typeof OPEN2B_LIMITS;

/** Open2b counts characters, not UTF-16 units or bytes. */
export const charLength = (value: string) => [...value].length;
