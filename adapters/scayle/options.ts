import countries from 'i18n-iso-countries';
import { z } from 'zod';
import { baseUrl, parseEnvSlice } from '../options.js';

/**
 * SCAYLE_* configuration. The country code goes into every path as given: SCAYLE's own docs use
 * both `DE` and `DEU` there, so either ISO form is accepted and neither is rewritten.
 */
const ScayleEnv = z.object({
  SCAYLE_BASE_URL: baseUrl,
  SCAYLE_ACCESS_TOKEN: z.string().min(1),
  SCAYLE_SHOP_KEY: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be a shop key (letters, digits, - or _)'),
  SCAYLE_COUNTRY_CODE: z
    .string()
    .regex(/^[A-Z]{2,3}$/, 'must be an ISO 3166-1 alpha-2 or alpha-3 code in upper case')
    .refine((code) => countries.isValid(code), 'is not an ISO 3166-1 country code'),
});

/** Every variable this platform reads (an instance `<name>:<platform>` reads them under its own prefix). */
export const SCAYLE_VARIABLES = Object.keys(ScayleEnv.shape);

export interface ScayleOptions {
  /** e.g. https://{tenant}.admin.api.scayle.cloud/api/admin/v1 */
  baseUrl: string;
  accessToken: string;
  shopKey: string;
  countryCode: string;
  /** Retries for idempotent calls (tests set 0); the shared client's default otherwise. */
  retryLimit?: number;
  timeoutMs?: number;
}

export function parseScayleOptions(env: Record<string, string | undefined>): ScayleOptions {
  const parsed = parseEnvSlice(ScayleEnv, env);
  return {
    baseUrl: parsed.SCAYLE_BASE_URL,
    accessToken: parsed.SCAYLE_ACCESS_TOKEN,
    shopKey: parsed.SCAYLE_SHOP_KEY,
    countryCode: parsed.SCAYLE_COUNTRY_CODE,
  };
}
