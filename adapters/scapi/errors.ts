import { GatewayError, type ErrorCode } from '../errors.js';
import { retryAfterSeconds } from '../../transport/upstream-client.js';
import { OAuthErrorSchema, ProblemSchema } from './upstream.js';

/** The backend's one name (BACKENDS, /v1/backends/scapi, messages). */
export const BACKEND = 'scapi';

const NAMES = [
  'firstName',
  'lastName',
  'secondName',
  'title',
  'salutation',
  'suffix',
  'companyName',
  'jobTitle',
] as const;
const same = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, k])) as Record<K, K>;

/**
 * The one vendor-property → canonical-path vocabulary of this backend: field errors use it, and
 * map.ts reads and writes through it. `CUSTOMER_TEXT` / `ADDRESS_TEXT` are the string properties
 * the mappers copy one to one.
 */
export const CUSTOMER_TEXT = {
  ...same(NAMES),
  email: 'email',
  phoneHome: 'phones.primary',
  phoneMobile: 'phones.mobile',
  phoneBusiness: 'phones.business',
  fax: 'phones.fax',
} as const;
export const ADDRESS_TEXT = {
  ...same(NAMES),
  address1: 'line1',
  address2: 'line2',
  postBox: 'postBox',
  suite: 'suite',
  city: 'city',
  postalCode: 'postalCode',
  stateCode: 'stateCode',
  countryCode: 'countryCode',
  phone: 'phone',
  fullName: 'fullName',
} as const;
const CUSTOMER_FIELDS: Record<string, string> = {
  ...CUSTOMER_TEXT,
  login: 'login',
  'credentials.login': 'login',
  'credentials.enabled': 'active',
  birthday: 'birthDate',
  gender: 'gender',
  password: 'password',
  newPassword: 'password',
  currentPassword: 'currentPassword',
};
const ADDRESS_FIELDS: Record<string, string> = { ...ADDRESS_TEXT, addressId: 'id' };

/** The canonical path of a vendor property, for field errors (`c_<name>` → `custom.<name>`, the ref attribute → `externalRef`). */
export function canonicalPath(
  kind: 'customer' | 'address',
  property: string,
  externalRefAttribute: string,
  prefix = '',
): string {
  if (property === externalRefAttribute) return `${prefix}externalRef`;
  if (property.startsWith('c_')) return `${prefix}custom.${property.slice(2)}`;
  return `${prefix}${(kind === 'customer' ? CUSTOMER_FIELDS : ADDRESS_FIELDS)[property] ?? property}`;
}

/** How to word an upstream error for the call that got it. */
export interface ErrorScope {
  kind: 'customer' | 'address';
  /** The detail of a 404, e.g. "customer 00001 does not exist". */
  notFound: string;
  /** Prefix of field paths (`addresses.0.` for an address created with its customer). */
  prefix?: string;
  /** Where a login conflict lands: `email` when the login was the email. */
  loginPath?: 'login' | 'email';
}

/** Problem types (the last segment of `type`) with a meaning of their own. */
const PROBLEM_CODES: Record<string, ErrorCode> = {
  'not-found': 'not_found',
  'customer-not-found': 'not_found',
  'customer-address-not-found': 'not_found',
  'login-already-in-use': 'conflict',
  'customer-number-already-in-use': 'conflict',
  'address-id-already-in-use': 'conflict',
  'invalid-property': 'validation_failed',
  'invalid-password': 'validation_failed',
  'invalid-customer': 'rejected',
  'customer-list-not-found': 'upstream_error',
  'invalid-query-parameter': 'upstream_error',
  'invalid-access-token': 'upstream_auth_failed',
  'insufficient-scope': 'upstream_auth_failed',
};
const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'upstream_error',
  401: 'upstream_auth_failed',
  403: 'upstream_auth_failed',
  404: 'not_found',
  409: 'conflict',
  412: 'precondition_failed',
  429: 'rate_limited',
  503: 'upstream_unavailable',
  504: 'upstream_timeout',
};

/** A vendor detail is shown only when it is short plain text. */
const safe = (detail: string | undefined) =>
  detail && detail.length <= 200 && !/[<>{}]/.test(detail) ? detail : undefined;

/**
 * Seconds to wait from SCAPI's answer: `Retry-After`, else SLAS's `X-RateLimit-1M-Reset` (epoch
 * seconds); else 60 for a rate limit and 5 for load shedding (SCAPI's 503 says only how loaded
 * it is, in `sfdc_load` / `sfdc_load_status`).
 */
export function retryAfterOf(status: number, headers: Headers): number {
  const direct = retryAfterSeconds(headers.get('retry-after'));
  if (direct !== undefined) return direct;
  const reset = Number(headers.get('x-ratelimit-1m-reset') ?? headers.get('x-ratelimit-reset') ?? NaN);
  if (Number.isFinite(reset) && reset > 0)
    return Math.max(1, reset > 1e9 ? Math.ceil(reset - Date.now() / 1000) : Math.ceil(reset));
  return status === 429 ? 60 : 5;
}

/** The problem type's slug and the property an `invalid-*` problem names, from an RFC 7807 or OAuth 2 body. */
export function readProblem(body: unknown): { slug?: string; detail?: string; property?: string } {
  const problem = ProblemSchema.safeParse(body);
  if (problem.success) {
    const property = (problem.data as Record<string, unknown>).property;
    return {
      slug: problem.data.type.split('/').pop(),
      detail: problem.data.detail,
      property: typeof property === 'string' ? property : undefined,
    };
  }
  const oauth = OAuthErrorSchema.safeParse(body);
  return oauth.success ? { slug: oauth.data.error, detail: oauth.data.error_description } : {};
}

/**
 * A SCAPI error answer as a GatewayError: the problem type decides where it has a meaning of its
 * own, the HTTP status otherwise. Raw bodies never leave; a short `detail` is carried only for
 * a business-rule refusal.
 */
export function toGatewayError(
  status: number,
  headers: Headers,
  body: unknown,
  scope: ErrorScope,
  externalRefAttribute: string,
): GatewayError {
  const { slug, detail, property } = readProblem(body);
  const upstream = { status, ...(slug ? { code: slug } : {}) };
  const code: ErrorCode = (slug ? PROBLEM_CODES[slug] : undefined) ?? STATUS_CODES[status] ?? 'upstream_error';
  const field = (vendor: string) => canonicalPath(scope.kind, vendor, externalRefAttribute, scope.prefix);
  switch (code) {
    case 'not_found':
      return new GatewayError(code, scope.notFound, { upstream });
    case 'conflict': {
      const path =
        slug === 'address-id-already-in-use'
          ? field('addressId')
          : slug === 'login-already-in-use'
            ? `${scope.prefix ?? ''}${scope.loginPath ?? 'login'}`
            : undefined;
      return new GatewayError(code, path ? `${path} is already used` : 'scapi reports a conflict', {
        upstream,
        ...(path ? { errors: [{ path, message: 'already used' }] } : {}),
      });
    }
    case 'validation_failed': {
      const path = field(property ?? (slug === 'invalid-password' ? 'password' : 'request'));
      return new GatewayError(code, `scapi refused ${path}`, {
        upstream,
        errors: [{ path, message: safe(detail) ?? 'refused by scapi' }],
      });
    }
    case 'rejected':
      return new GatewayError(code, `scapi refused the change: ${safe(detail) ?? slug ?? `HTTP ${status}`}`, {
        upstream,
      });
    case 'upstream_auth_failed':
      return new GatewayError(
        code,
        `scapi refused the gateway's credentials (HTTP ${status}); check SCAPI_CLIENT_ID, SCAPI_CLIENT_SECRET and the API client's scopes`,
        { upstream },
      );
    case 'rate_limited':
      return new GatewayError(code, 'scapi is rate limiting this API client; retry after the given time', {
        upstream,
        retryAfter: retryAfterOf(status, headers),
      });
    case 'upstream_unavailable':
      return new GatewayError(
        code,
        `scapi is shedding load${headers.get('sfdc_load') ? ` (sfdc_load ${headers.get('sfdc_load')}%)` : ''}; retry after the given time`,
        { upstream, retryAfter: retryAfterOf(status, headers) },
      );
    default:
      return new GatewayError(
        code,
        slug === 'customer-list-not-found'
          ? 'scapi does not know the configured customer list (check SCAPI_CUSTOMER_LIST)'
          : `scapi failed (HTTP ${status}${slug ? `, ${slug}` : ''})`,
        { upstream },
      );
  }
}
