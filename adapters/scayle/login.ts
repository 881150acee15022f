import { GatewayError } from '../errors.js';
import type { CustomerAdapter } from '../types.js';

/** The Admin API has no password check: say so, and what to use instead (capability `shopperLogin: false`). */
export const scayleShopperLogin: NonNullable<CustomerAdapter['authenticateShopper']> = async () => {
  throw new GatewayError(
    'not_supported',
    "SCAYLE's Admin API cannot verify shopper passwords: sign shoppers in through SCAYLE's Storefront API (its OAuth login) or your identity provider, and call the admin routes from your own backend",
  );
};
