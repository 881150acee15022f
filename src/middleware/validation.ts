import type { Hook } from '@hono/zod-openapi';
import { GatewayError, type FieldError } from '../../adapters/errors.js';

const PREFIX: Record<string, string> = { json: '', query: 'query.', param: 'path.', header: 'header.', form: '' };

interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  keys?: string[];
}

/**
 * Turns zod issues into problem `errors[]`, naming each field (unknown fields one by one), each
 * distinct error once (zod runs a field's later checks after an earlier one failed, and two can
 * say the same).
 */
export function toFieldErrors(issues: readonly Issue[], target: string): FieldError[] {
  const prefix = PREFIX[target] ?? `${target}.`;
  const seen = new Set<string>();
  const errors = issues.flatMap((issue) => {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys' && issue.keys) {
      return issue.keys.map((key) => ({ path: `${prefix}${base ? `${base}.` : ''}${key}`, message: 'unknown field' }));
    }
    return [{ path: `${prefix}${base}` || (target === 'json' ? 'body' : target), message: issue.message }];
  });
  return errors.filter(({ path, message }) => !seen.has(`${path}\n${message}`) && seen.add(`${path}\n${message}`));
}

/** zod-openapi's default hook: any failed request validation is a 400 naming the fields. */
export const validationHook: Hook<any, any, any, any> = (result) => {
  if (result.success) return;
  const errors = toFieldErrors(result.error.issues as Issue[], result.target);
  const where = errors
    .map((e) => e.path)
    .slice(0, 5)
    .join(', ');
  throw new GatewayError('validation_failed', `invalid ${where}`, { errors });
};
