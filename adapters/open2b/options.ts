import { z } from 'zod';
import { baseUrl, parseEnvSlice } from '../options.js';

/** A zone the runtime's Intl knows (IANA name), checked at start-up rather than on the first datetime. */
const timeZone = z.string().refine((zone) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Europe/Rome');

const Env = z.object({
  /** e.g. https://shop.example/api/v6 — methods are POSTed to `{base}/{method}`. */
  OPEN2B_BASE_URL: baseUrl,
  OPEN2B_API_KEY: z.string().min(1),
  /** Open2b's docs name it X-Key in one place and X-Secret-Key in another. */
  OPEN2B_KEY_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9-]+$/, 'must be an HTTP header name')
    .default('X-Key'),
  /** The shop's zone: Open2b datetimes carry none. */
  OPEN2B_TIMEZONE: timeZone.default('Europe/Rome'),
});

/** Every variable this platform reads (an instance `<name>:<platform>` reads them under its own prefix). */
export const OPEN2B_VARIABLES = Object.keys(Env.shape);

export interface Open2bOptions {
  baseUrl: string;
  apiKey: string;
  keyHeader: string;
  timezone: string;
}

export function parseOpen2bOptions(env: Record<string, string | undefined>): Open2bOptions {
  const parsed = parseEnvSlice(Env, env);
  return {
    baseUrl: parsed.OPEN2B_BASE_URL,
    apiKey: parsed.OPEN2B_API_KEY,
    keyHeader: parsed.OPEN2B_KEY_HEADER,
    timezone: parsed.OPEN2B_TIMEZONE,
  };
}
