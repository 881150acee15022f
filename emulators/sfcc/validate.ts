import { ADDRESS_READ_ONLY, ADDRESS_WRITABLE, CUSTOMER_READ_ONLY, CUSTOMER_WRITABLE } from './store.js';
import { faultResponse } from './wire.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const CUSTOM_ATTRIBUTE = /^c_[A-Za-z][A-Za-z0-9_]*$/;

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Checks a `customer` or `customer_address` document against the 20.4 field rules: unknown
 * properties, read-only ones, types and lengths. `null` and `""` clear a field. Answers the fault
 * to send, or the changes to apply (undefined value = remove).
 */
export function checkDocument(
  kind: 'customer' | 'customer_address',
  body: Record<string, unknown>,
): Response | Map<string, unknown> {
  const writable = kind === 'customer' ? CUSTOMER_WRITABLE : ADDRESS_WRITABLE;
  const readOnly = kind === 'customer' ? CUSTOMER_READ_ONLY : ADDRESS_READ_ONLY;
  const changes = new Map<string, unknown>();
  for (const [key, value] of Object.entries(body)) {
    if (key === '_type' || key === '_v' || key === '_resource_state') continue;
    if (CUSTOM_ATTRIBUTE.test(key)) {
      if (isObject(value))
        return faultResponse('propertyConstraint', `Custom attribute '${key}' must be a scalar or a list.`, {
          property: key,
        });
      changes.set(key, value === null || value === '' ? undefined : value);
      continue;
    }
    if (readOnly.has(key))
      return faultResponse('readOnlyProperty', `Property '${key}' of document '${kind}' is read-only.`, {
        property: key,
        document: kind,
      });
    const rule = writable[key];
    if (!rule)
      return faultResponse('unknownProperty', `Property '${key}' is not defined for document '${kind}'.`, {
        property: key,
        document: kind,
      });
    if (value === null || value === '') {
      changes.set(key, undefined);
      continue;
    }
    const bad = () =>
      faultResponse('propertyConstraint', `Property '${key}' of document '${kind}' has an invalid value.`, {
        property: key,
        document: kind,
      });
    switch (rule.type) {
      case 'string':
        if (typeof value !== 'string') return bad();
        // maxLength as the spec's JSON Schema counts it: characters (code points), not UTF-16 units.
        if (rule.max !== undefined && [...value].length > rule.max) {
          return faultResponse(
            'propertyConstraint',
            `Property '${key}' of document '${kind}' exceeds its maximum length of ${rule.max}.`,
            { property: key, maxLength: rule.max },
          );
        }
        if (key === 'email' && !EMAIL.test(value))
          return faultResponse('invalidEmail', 'The email address is not valid.', { email: value });
        break;
      case 'boolean':
        if (typeof value !== 'boolean') return bad();
        break;
      case 'gender':
        if (value !== 1 && value !== 2) return bad();
        break;
      case 'date':
        if (typeof value !== 'string' || !DATE.test(value) || Number.isNaN(Date.parse(value))) return bad();
        break;
    }
    changes.set(key, value);
  }
  return changes;
}

export const validEmail = (v: unknown): v is string => typeof v === 'string' && EMAIL.test(v);

/** Applies checked changes to a stored document (undefined removes). */
export function apply(
  target: Record<string, unknown>,
  changes: Map<string, unknown>,
  skip: Set<string> = new Set(),
): void {
  for (const [key, value] of changes) {
    if (skip.has(key)) continue;
    if (value === undefined) delete target[key];
    else target[key] = structuredClone(value);
  }
}
