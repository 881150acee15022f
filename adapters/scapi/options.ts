import { z } from 'zod';
import { baseUrl, parseEnvSlice } from '../options.js';
import { ConfigError } from '../errors.js';

/** Account Manager's token endpoint, used when SCAPI_OAUTH_URL is not set. */
export const DEFAULT_OAUTH_URL = 'https://account.demandware.com/dwsso/oauth2/access_token';
/** The callback the SLAS private client registers, used when SCAPI_REDIRECT_URI is not set (commerce-sdk's sample value). */
export const DEFAULT_REDIRECT_URI = 'http://localhost:3000/callback';

const id = (what: string, max: number) =>
  z.string().regex(new RegExp(`^[A-Za-z0-9_.-]{1,${max}}$`), `must be a ${what}`);

const env = z.object({
  /** The instance's SCAPI host, e.g. https://kv7kzm78.api.commercecloud.salesforce.com (or an emulator). */
  SCAPI_BASE_URL: baseUrl.optional(),
  SCAPI_SHORT_CODE: z
    .string()
    .regex(/^[A-Za-z0-9]{1,32}$/, 'must be the short code (letters and digits)')
    .optional(),
  SCAPI_ORGANIZATION_ID: z
    .string()
    .regex(/^f_ecom_[A-Za-z0-9]+_[A-Za-z0-9_]+$/, 'must look like f_ecom_<realm>_<instance>')
    .max(32),
  SCAPI_SITE_ID: id('site id', 32),
  SCAPI_CUSTOMER_LIST: id('customer list id', 256).optional(),
  SCAPI_CLIENT_ID: z.string().min(1).max(40),
  SCAPI_CLIENT_SECRET: z.string().min(1).max(1024),
  SCAPI_OAUTH_URL: baseUrl.default(DEFAULT_OAUTH_URL),
  SCAPI_REDIRECT_URI: z.url().max(256).default(DEFAULT_REDIRECT_URI),
  SCAPI_EXTERNAL_REF_ATTRIBUTE: z
    .string()
    .regex(/^c_[A-Za-z][A-Za-z0-9_]*$/, 'must be a custom attribute name such as c_externalRef')
    .default('c_externalRef'),
});

/** Every variable this platform reads (an instance `<name>:<platform>` reads them under its own prefix). */
export const SCAPI_VARIABLES = Object.keys(env.shape);

export interface ScapiOptions {
  /** Origin every API family hangs below (`/customer/customers/v1`, `/shopper/auth/v1`, …). */
  baseUrl: string;
  organizationId: string;
  /** The tenant in the Account Manager scope `SALESFORCE_COMMERCE_API:<tenant>` (organization id minus `f_ecom_`). */
  tenant: string;
  siteId: string;
  customerList: string;
  /** One API client: Account Manager client credentials and the SLAS private client. */
  clientId: string;
  clientSecret: string;
  oauthUrl: string;
  redirectUri: string;
  externalRefAttribute: string;
  /** Retries of idempotent calls on 429/5xx (not an env variable; tests lower it). */
  retryLimit?: number;
}

export function parseScapiOptions(source: Record<string, string | undefined>): ScapiOptions {
  const parsed = parseEnvSlice(env, source);
  const host =
    parsed.SCAPI_BASE_URL ??
    (parsed.SCAPI_SHORT_CODE && `https://${parsed.SCAPI_SHORT_CODE.toLowerCase()}.api.commercecloud.salesforce.com`);
  if (!host) throw new ConfigError('SCAPI_SHORT_CODE', 'is required (or SCAPI_BASE_URL)');
  return {
    baseUrl: host,
    organizationId: parsed.SCAPI_ORGANIZATION_ID,
    tenant: parsed.SCAPI_ORGANIZATION_ID.slice('f_ecom_'.length),
    siteId: parsed.SCAPI_SITE_ID,
    customerList: parsed.SCAPI_CUSTOMER_LIST ?? parsed.SCAPI_SITE_ID,
    clientId: parsed.SCAPI_CLIENT_ID,
    clientSecret: parsed.SCAPI_CLIENT_SECRET,
    oauthUrl: parsed.SCAPI_OAUTH_URL,
    redirectUri: parsed.SCAPI_REDIRECT_URI,
    externalRefAttribute: parsed.SCAPI_EXTERNAL_REF_ATTRIBUTE,
  };
}
