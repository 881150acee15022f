import { GatewayError, type ErrorCode, type FieldError } from '../errors.js';
import { retryAfterSeconds } from '../../transport/upstream-client.js';
import { ScayleErrorBodySchema } from './upstream.js';

export const BACKEND = 'scayle';

/** How to word an upstream error for the call that got it. */
export interface ErrorScope {
  /** Which kind of payload was sent, so a `context.field` maps to the right canonical path. */
  kind: 'customer' | 'address';
  /** Prefix for field paths, e.g. `addresses.0.` for an address created with its customer. */
  prefix?: string;
  /** The detail for a 404, e.g. "customer 12 does not exist". */
  notFound: string;
  /** A 404 here is the gateway's misconfiguration, not the caller's unknown id (502, not 404). */
  notFoundIsConfig?: boolean;
}

/** HTTP statuses the SCAYLE docs list, and what each means for the caller. */
const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'validation_failed',
  401: 'upstream_auth_failed',
  403: 'upstream_auth_failed',
  404: 'not_found',
  408: 'upstream_timeout',
  409: 'conflict',
  // SCAYLE's 412/422 refuse a well-formed change on its own rules; the caller sent no If-Match upstream.
  412: 'rejected',
  413: 'payload_too_large',
  422: 'rejected',
  424: 'upstream_error',
  429: 'rate_limited',
  503: 'upstream_unavailable',
  504: 'upstream_timeout',
};

/** Where a SCAYLE error's context names the field it is about. */
function contextField(context: unknown): string | undefined {
  if (!context || typeof context !== 'object' || Array.isArray(context)) return undefined;
  const c = context as Record<string, unknown>;
  for (const key of ['field', 'property', 'attribute', 'path'])
    if (typeof c[key] === 'string' && c[key]) return c[key] as string;
  return undefined;
}

/** A vendor message is shown only when it is short plain text (it may carry the caller's own value, never ours). */
const safeMessage = (message: string | null | undefined, fallback: string) =>
  message && message.length <= 200 && !/[<>{}]/.test(message) ? message : fallback;

/** Seconds until SCAYLE's budget resets: X-RateLimit-Reset (seconds), else a Retry-After. */
export function rateLimitReset(headers: Headers): number | undefined {
  return retryAfterSeconds(headers.get('x-ratelimit-reset')) ?? retryAfterSeconds(headers.get('retry-after'));
}

/**
 * A SCAYLE error answer as a GatewayError: the HTTP status decides the code, `errors[].errorKey`
 * becomes `upstream.code`, and every error whose context names a field becomes an `errors[]`
 * entry on the canonical path. The upstream body itself is never passed on.
 */
export function toGatewayError(status: number, headers: Headers, body: unknown, scope: ErrorScope): GatewayError {
  const parsed = ScayleErrorBodySchema.safeParse(body);
  const vendorErrors = parsed.success ? parsed.data.errors : [];
  const errorKey = vendorErrors.find((e) => e.errorKey)?.errorKey ?? undefined;
  const upstream = { status, ...(errorKey ? { code: errorKey } : {}) };
  const code: ErrorCode = STATUS_CODES[status] ?? 'upstream_error';

  const errors: FieldError[] = [];
  for (const e of vendorErrors) {
    const field = contextField(e.context);
    if (field)
      errors.push({
        path: canonicalFieldPath(scope.kind, field, scope.prefix),
        message: safeMessage(e.message, e.errorKey ?? 'refused'),
      });
  }
  const withErrors = errors.length ? { errors } : {};

  switch (code) {
    case 'upstream_auth_failed':
      return new GatewayError(
        code,
        `scayle refused the gateway's access token (HTTP ${status}); check SCAYLE_ACCESS_TOKEN and its scopes`,
        { upstream },
      );
    case 'not_found':
      if (scope.notFoundIsConfig) return new GatewayError('upstream_error', scope.notFound, { upstream });
      return new GatewayError(code, scope.notFound, { upstream });
    case 'rate_limited':
      return new GatewayError(code, 'scayle is rate limiting this gateway; retry after the given time', {
        upstream,
        retryAfter: rateLimitReset(headers) ?? 60,
      });
    case 'validation_failed':
      return new GatewayError(
        code,
        errors.length
          ? `scayle refused ${errors.map((e) => e.path).join(', ')}`
          : `scayle refused the request (${errorKey ?? 'HTTP 400'})`,
        { upstream, ...withErrors },
      );
    case 'conflict':
      return new GatewayError(
        code,
        errors.length
          ? `${errors.map((e) => e.path).join(', ')} already used`
          : `scayle reports a conflict (${errorKey ?? 'HTTP 409'})`,
        { upstream, ...withErrors },
      );
    case 'rejected':
      return new GatewayError(
        code,
        `scayle refused the change: ${safeMessage(vendorErrors[0]?.message, errorKey ?? `HTTP ${status}`)}`,
        { upstream, ...withErrors },
      );
    default:
      return new GatewayError(code, `scayle failed (HTTP ${status}${errorKey ? `, ${errorKey}` : ''})`, { upstream });
  }
}

/** SCAYLE field names (as in an error's context) → the canonical request paths. */
const CUSTOMER_FIELD_PATHS: Record<string, string> = {
  email: 'email',
  firstName: 'firstName',
  lastName: 'lastName',
  title: 'title',
  gender: 'gender',
  birthDate: 'birthDate',
  phone: 'phones.primary',
  referenceKey: 'externalRef',
  groups: 'groups',
  legacyCustomData: 'custom',
  publicKey: 'customerNo',
  password: 'password',
  isActive: 'active',
};

const ADDRESS_FIELD_PATHS: Record<string, string> = {
  referenceKey: 'externalRef',
  street: 'line1',
  houseNumber: 'houseNumber',
  additional: 'line2',
  zipCode: 'postalCode',
  city: 'city',
  countryCode: 'countryCode',
  state: 'stateCode',
  phone: 'phone',
  'recipient.firstName': 'firstName',
  'recipient.lastName': 'lastName',
  'recipient.title': 'title',
  'isDefault.billing': 'isDefaultBilling',
  'isDefault.shipping': 'isDefaultShipping',
};

/** A SCAYLE field name (as in an error's context) → the canonical request path. */
export function canonicalFieldPath(kind: 'customer' | 'address', field: string, prefix = ''): string {
  const table = kind === 'customer' ? CUSTOMER_FIELD_PATHS : ADDRESS_FIELD_PATHS;
  const direct =
    table[field] ??
    (field.startsWith('collectionPoint') || field.startsWith('legacyCustomData.')
      ? field.replace(/^legacyCustomData/, 'custom')
      : undefined);
  return `${prefix}${direct ?? field}`;
}
