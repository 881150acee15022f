import { z } from 'zod';
import { ConfigError } from './errors.js';

/**
 * Parses a backend's slice of the environment with a zod object whose keys are the variable
 * names. The error names the first bad variable and why, never its value (it may be a secret).
 */
/** A comma-separated variable as its items, trimmed, empty ones left out (unset: none). */
export const commaList = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

export function parseEnvSlice<S extends z.ZodObject>(schema: S, env: Record<string, string | undefined>): z.infer<S> {
  const slice: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    slice[key] = value === undefined || value.trim() === '' ? undefined : value.trim();
  }
  const result = schema.safeParse(slice);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const variable = String(issue.path[0] ?? 'environment');
  const reason = issue.code === 'invalid_type' && slice[variable] === undefined ? 'is required' : 'is invalid';
  throw new ConfigError(variable, `${reason} (${issue.message.replace(/,?\s*received .*/i, '').trim()})`);
}

/** An http(s) URL without a trailing slash, so paths can be appended uniformly. */
export const baseUrl = z
  .url({ protocol: /^https?$/ })
  // Paths are appended to it: a query or fragment would swallow them.
  .refine((u) => !/[?#]/.test(u), 'must not contain a query (?) or fragment (#)')
  .transform((u) => u.replace(/\/+$/, ''));
