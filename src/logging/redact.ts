/**
 * Redaction applied before anything reaches the logger. pino's own `redact` is not used: the
 * browser build wrangler bundles for Workers ignores it, and one mechanism for both runtimes is
 * one thing to test.
 */
const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie|api[-_]?key|^x-key$|signature|credential|encryptedpassword|^hash$/i;
export const REDACTED = '[REDACTED]';
const MAX_DEPTH = 8;

export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[…]';
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = SECRET_KEY.test(key) ? REDACTED : redact(item, depth + 1);
  return out;
}

/** Header names whose values never reach a log line. */
export function redactHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, key) => {
    out[key] = SECRET_KEY.test(key) || key === 'x-access-token' ? REDACTED : value;
  });
  return out;
}
