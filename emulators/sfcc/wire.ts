/**
 * How OCAPI words things on the wire: fault documents, the fault types it uses for customers and
 * addresses, and its timestamps. Types the seeds and the 20.4 spec name are used as they are;
 * the few the material does not name (token and client-id refusals, quota) are in one table so
 * they are easy to change.
 */
export const OCAPI_VERSION = '20.4';

export const FAULT = {
  // named in the 16.4 seed / 20.4 spec
  customerNotFound: ['CustomerNotFoundException', 404],
  addressNotFound: ['CustomerAddressNotFoundException', 404],
  notFound: ['NotFoundException', 404],
  invalidCustomer: ['InvalidCustomerException', 400],
  alreadyRegistered: ['CustomerAlreadyRegisteredException', 400],
  loginInUse: ['LoginAlreadyInUseException', 400],
  addressNameInUse: ['AddressNameAlreadyInUseException', 400],
  addressIdInUse: ['AddressIdAlreadyInUseException', 400],
  invalidAddressId: ['InvalidCustomerAddressIdException', 400],
  missingEmail: ['MissingEmailException', 400],
  missingLastName: ['MissingLastNameException', 400],
  missingLogin: ['MissingLoginException', 400],
  missingPassword: ['MissingPasswordException', 400],
  invalidLogin: ['InvalidLoginException', 400],
  invalidPassword: ['InvalidPasswordException', 400],
  invalidEmail: ['InvalidEmailException', 400],
  basicMissing: ['AuthorizationBasicMissingException', 400],
  authenticationFailed: ['AuthenticationFailedException', 401],
  expiredToken: ['ExpiredTokenException', 401],
  hookStatus: ['HookStatusException', 400],
  missingParameter: ['MissingParameterException', 400],
  // *unconfirmed* names (the material does not show them): one place to change them
  invalidToken: ['InvalidAccessTokenException', 401],
  missingClientId: ['MissingClientIdException', 400],
  unknownClientId: ['InvalidClientIdException', 401],
  clientForbidden: ['ClientAccessForbiddenException', 403],
  ifMatchFailed: ['IfMatchPreconditionFailedException', 412],
  invalidDocument: ['InvalidDocumentException', 400],
  unknownProperty: ['UnknownPropertyException', 400],
  readOnlyProperty: ['ReadOnlyPropertyException', 400],
  propertyConstraint: ['PropertyConstraintViolationException', 400],
  parameterConstraint: ['ParameterConstraintViolationException', 400],
  invalidResetToken: ['InvalidResetTokenException', 400],
  quotaExceeded: ['QuotaExceededException', 429],
  unsupportedMediaType: ['UnsupportedMediaTypeException', 415],
  methodNotAllowed: ['MethodNotAllowedException', 405],
  internal: ['InternalServerErrorException', 500],
  unavailable: ['ServiceUnavailableException', 503],
  customerListNotFound: ['CustomerListNotFoundException', 404],
} as const satisfies Record<string, readonly [string, number]>;

export type FaultName = keyof typeof FAULT;

const JSON_TYPE = 'application/json;charset=UTF-8';
const NO_CACHE = { 'cache-control': 'no-cache,no-store,must-revalidate', expires: 'Thu, 01-Jan-1970 00:00:00 GMT' };

/** A fault document `{_v, fault:{type, message, arguments?}}` with the status OCAPI uses for it. */
export function faultResponse(
  name: FaultName,
  message: string,
  args?: Record<string, unknown>,
  extraHeaders: Record<string, string> = {},
): Response {
  const [type, status] = FAULT[name];
  return faultOf(status, type, message, args, extraHeaders);
}

export function faultOf(
  status: number,
  type: string,
  message: string,
  args?: Record<string, unknown>,
  extraHeaders: Record<string, string> = {},
): Response {
  const fault = { type, message, ...(args ? { arguments: args } : {}) };
  return new Response(JSON.stringify({ _v: OCAPI_VERSION, fault }), {
    status,
    headers: { 'content-type': JSON_TYPE, ...NO_CACHE, ...extraHeaders },
  });
}

export function documentResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': JSON_TYPE, ...NO_CACHE, ...headers },
  });
}

/** OCAPI timestamps: ISO 8601 in UTC with milliseconds. */
export const ocapiNow = () => new Date().toISOString();

/**
 * OCAPI ETags are 64 hex characters over the document. A synchronous FNV-1a family is enough
 * for an emulator (the same document always gives the same tag; any change gives another).
 */
export function etagOf(document: unknown): string {
  const text = stableJson(document);
  let out = '';
  for (let seed = 0; seed < 8; seed++) {
    let h = (0x811c9dc5 ^ (seed * 0x9e3779b1)) >>> 0;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    out += h.toString(16).padStart(8, '0');
  }
  return out;
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** If-Match as sent: OCAPI tags are unquoted; tolerate quotes and W/. */
export const normaliseTag = (value: string) => value.trim().replace(/^W\//, '').replace(/^"|"$/g, '');
