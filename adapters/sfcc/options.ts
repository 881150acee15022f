import { z } from 'zod';
import { baseUrl, parseEnvSlice } from '../options.js';
import { ConfigError } from '../errors.js';

/** Account Manager's token endpoint, used when SFCC_OAUTH_URL is not set. */
export const DEFAULT_OAUTH_URL = 'https://account.demandware.com/dwsso/oauth2/access_token';

const env = z.object({
  /** Shop API base, e.g. https://host/s/SiteGenesis/dw/shop/v20_4 */
  SFCC_BASE_URL: baseUrl,
  SFCC_CLIENT_ID: z.string().min(1).max(256),
  SFCC_CLIENT_SECRET: z.string().min(1).max(1024),
  SFCC_OAUTH_URL: baseUrl.default(DEFAULT_OAUTH_URL),
  /** Data API base, e.g. https://host/s/-/dw/data/v20_4 (listing and ref: lookups). */
  SFCC_DATA_BASE_URL: baseUrl.optional(),
  SFCC_CUSTOMER_LIST: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,256}$/, 'must be a customer list id')
    .optional(),
  SFCC_EXTERNAL_REF_ATTRIBUTE: z
    .string()
    .regex(/^c_[A-Za-z][A-Za-z0-9_]*$/, 'must be a custom attribute name such as c_externalRef')
    .default('c_externalRef'),
});

/** Every variable this platform reads (an instance `<name>:<platform>` reads them under its own prefix). */
export const SFCC_VARIABLES = Object.keys(env.shape);

export interface SfccOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  oauthUrl: string;
  /** Both set, or neither: the Data API customer search. */
  data?: { baseUrl: string; customerList: string };
  externalRefAttribute: string;
  /** Retries of idempotent calls on 429/5xx (not an env variable; tests lower it). */
  retryLimit?: number;
}

export function parseSfccOptions(source: Record<string, string | undefined>): SfccOptions {
  const parsed = parseEnvSlice(env, source);
  const { SFCC_DATA_BASE_URL: dataUrl, SFCC_CUSTOMER_LIST: list } = parsed;
  if (dataUrl && !list) throw new ConfigError('SFCC_CUSTOMER_LIST', 'is required when SFCC_DATA_BASE_URL is set');
  if (list && !dataUrl) throw new ConfigError('SFCC_DATA_BASE_URL', 'is required when SFCC_CUSTOMER_LIST is set');
  return {
    baseUrl: parsed.SFCC_BASE_URL,
    clientId: parsed.SFCC_CLIENT_ID,
    clientSecret: parsed.SFCC_CLIENT_SECRET,
    oauthUrl: parsed.SFCC_OAUTH_URL,
    data: dataUrl && list ? { baseUrl: dataUrl, customerList: list } : undefined,
    externalRefAttribute: parsed.SFCC_EXTERNAL_REF_ATTRIBUTE,
  };
}
