/**
 * Redaction applied before anything reaches the logger. pino's own `redact` is not used: the
 * browser build wrangler bundles for Workers ignores it, and one mechanism for both runtimes is
 * one thing to test.
 */
const SECRET_KEY =
  /pass(word)?|secret|token|authorization|cookie|api[-_]?key|^x-key$|signature|credential|encryptedpassword|^hash$/i;
export const REDACTED = '[REDACTED]';
const MAX_DEPTH = 8;

export function redact(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[…]';
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (isFlatAndClean(value as Record<string, unknown>)) return value; // every access line: nothing to copy
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = SECRET_KEY.test(key) ? REDACTED : redact(item, depth + 1);
  return out;
}

/** Only primitive members, none under a secret's name: redacting it would copy it unchanged. */
function isFlatAndClean(record: Record<string, unknown>): boolean {
  for (const key in record) {
    if (!Object.hasOwn(record, key)) return false;
    const item = record[key];
    if ((typeof item === 'object' && item !== null) || SECRET_KEY.test(key)) return false;
  }
  return true;
}

/** Header names whose values never reach a log line. */
export function redactHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, key) => {
    out[key] = SECRET_KEY.test(key) || key === 'x-access-token' ? REDACTED : value;
  });
  return out;
}
