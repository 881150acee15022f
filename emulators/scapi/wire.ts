/**
 * SCAPI's wire conventions as the emulator speaks them: where each API family lives, RFC 7807
 * problem documents (`type`, `title`, `detail` plus extension members, as the specs' examples
 * show), SLAS's OAuth 2 error bodies, the load-shedding headers, and the field rules of the
 * Admin Customers `Customer` / `CustomerAddress` schemas.
 *
 * Problem types the specs do not show (a login already in use, an unknown property, …) are the
 * emulator's choice; they are kept in PROBLEM below so the adapter's mapping has one counterpart.
 */

export const ADMIN_PREFIX = '/customer/customers/v1/organizations/:org';
export const SHOPPER_PREFIX = '/customer/shopper-customers/v1/organizations/:org';
export const SLAS_PREFIX = '/shopper/auth/v1/organizations/:org/oauth2';
export const ACCOUNT_MANAGER_PATH = '/dwsso/oauth2';

const TYPE_BASE = 'https://api.commercecloud.salesforce.com/documentation/error/v1/errors/';

/** status and title per problem type (the slug after TYPE_BASE). */
export const PROBLEM = {
  'invalid-access-token': [401, 'Invalid Access Token'],
  'insufficient-scope': [403, 'Insufficient Scope'],
  'customer-list-not-found': [404, 'Customer List Not Found'],
  'customer-not-found': [404, 'Customer Not Found'],
  'customer-address-not-found': [404, 'Customer Address Not Found'],
  'not-found': [404, 'Not Found'],
  'invalid-query-parameter': [400, 'Bad Request'],
  'invalid-customer': [400, 'Invalid Customer'],
  'invalid-property': [400, 'Invalid Property'],
  'login-already-in-use': [400, 'Login Already In Use'],
  'customer-number-already-in-use': [400, 'Customer Number Already In Use'],
  'address-id-already-in-use': [400, 'Address Id Already In Use'],
  'invalid-reset-token': [400, 'Invalid Reset Token'],
  'invalid-password': [400, 'Invalid Password'],
  'authentication-failed': [401, 'Authentication Failed'],
  'too-many-requests': [429, 'Too Many Requests'],
  'service-unavailable': [503, 'Service Unavailable'],
  'internal-server-error': [500, 'Internal Server Error'],
} as const satisfies Record<string, readonly [number, string]>;
export type ProblemType = keyof typeof PROBLEM;

export function problem(
  type: ProblemType,
  detail: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  const [status, title] = PROBLEM[type];
  return new Response(JSON.stringify({ title, type: `${TYPE_BASE}${type}`, detail, ...extra }), {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  });
}

/** SLAS answers with OAuth 2 error bodies (`Oauth2ErrorResponse`). */
export function oauthError(
  status: number,
  error: string,
  description: string,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify({ error, error_description: description }), {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  });
}

/** What load shedding looks like on the wire: a 503 with the capacity headers. */
export const loadShedHeaders = (retryAfterSeconds?: number): Record<string, string> => ({
  sfdc_load: '100',
  sfdc_load_status: 'THROTTLE',
  ...(retryAfterSeconds === undefined ? {} : { 'retry-after': String(retryAfterSeconds) }),
});

/** SCAPI timestamps: UTC with milliseconds. */
export const scapiNow = () => new Date().toISOString();

/** Bytes in UTF-8: the String256 schema's storage counts bytes, not characters. */
export const utf8Bytes = (value: string) => new TextEncoder().encode(value).length;

export type FieldRule = { type: 'string'; maxBytes?: number } | { type: 'integer' | 'boolean' | 'date' | 'object' };

const s = (maxBytes?: number): FieldRule => ({ type: 'string', maxBytes });
const NAME_FIELDS = [
  'firstName',
  'lastName',
  'secondName',
  'title',
  'salutation',
  'suffix',
  'companyName',
  'jobTitle',
] as const;
const names = Object.fromEntries(NAME_FIELDS.map((f) => [f, s(256)]));

/** Writable `Customer` properties (customers-admin 1.1.3); `c_*` custom attributes besides. */
export const CUSTOMER_FIELDS: Record<string, FieldRule> = {
  ...names,
  customerNo: s(100),
  email: s(256),
  birthday: { type: 'date' },
  gender: { type: 'integer' },
  fax: s(32),
  phoneHome: s(32),
  phoneBusiness: s(32),
  phoneMobile: s(32),
  preferredLocale: s(5),
  credentials: { type: 'object' },
  primaryAddress: { type: 'object' },
};
/** Properties the server sets; accepted in a body and ignored, as the Admin API does. */
export const CUSTOMER_SERVER_FIELDS = new Set([
  'customerId',
  'creationDate',
  'lastModified',
  'lastLoginTime',
  'lastVisitTime',
  'previousLoginTime',
  'previousVisitTime',
]);

/** Writable `CustomerAddress` properties. */
export const ADDRESS_FIELDS: Record<string, FieldRule> = {
  ...names,
  addressId: s(256),
  address1: s(256),
  address2: s(256),
  city: s(256),
  countryCode: s(2),
  fullName: s(1027),
  phone: s(32),
  postBox: s(256),
  postalCode: s(256),
  stateCode: s(256),
  suite: s(32),
};
export const ADDRESS_SERVER_FIELDS = new Set(['creationDate', 'lastModified', 'etag']);

const CUSTOM = /^c_[A-Za-z][A-Za-z0-9_]*$/;
const isScalar = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/**
 * The first property of a body the schema refuses, as a problem naming it (`property`), or
 * undefined when the document is acceptable. `required` lists the schema's required properties.
 */
export function refuseDocument(
  doc: unknown,
  fields: Record<string, FieldRule>,
  serverFields: Set<string>,
  required: string[],
): Response | undefined {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    return problem('invalid-property', 'The request body must be a JSON object.');
  const body = doc as Record<string, unknown>;
  for (const key of required) {
    if (body[key] === undefined || body[key] === '')
      return problem('invalid-property', `The property '${key}' is required.`, { property: key });
  }
  for (const [key, value] of Object.entries(body)) {
    if (serverFields.has(key)) continue;
    const rule = fields[key];
    const refuse = (why: string) => problem('invalid-property', `The property '${key}' ${why}.`, { property: key });
    if (!rule) {
      if (CUSTOM.test(key) && (value === null || isScalar(value) || (Array.isArray(value) && value.every(isScalar))))
        continue;
      return refuse('is not defined');
    }
    if (value === null) return refuse('must not be null');
    if (rule.type === 'string') {
      if (typeof value !== 'string') return refuse('must be a string');
      if (rule.maxBytes !== undefined && utf8Bytes(value) > rule.maxBytes)
        return refuse(`exceeds ${rule.maxBytes} bytes`);
    } else if (rule.type === 'integer' && !Number.isInteger(value)) return refuse('must be an integer');
    else if (rule.type === 'boolean' && typeof value !== 'boolean') return refuse('must be a boolean');
    else if (rule.type === 'date' && (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)))
      return refuse('must be a date');
    else if (rule.type === 'object' && (typeof value !== 'object' || Array.isArray(value)))
      return refuse('must be an object');
  }
  if (typeof body.countryCode === 'string' && !/^[A-Z]{2}$/.test(body.countryCode))
    return problem('invalid-property', "The property 'countryCode' must be an ISO 3166-1 alpha-2 code.", {
      property: 'countryCode',
    });
  return undefined;
}
