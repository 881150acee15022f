import { type ERROR_STATUS, GatewayError, type FieldError } from '../errors.js';
import { retryAfterSeconds } from '../../transport/upstream-client.js';
import { FaultSchema, type OcapiFault } from './upstream.js';

export const BACKEND = 'sfcc';

type Mapping = { code: keyof typeof ERROR_STATUS; detail: string; field?: FieldError };

/**
 * Every OCAPI fault type the customers resources use (the 16.4 seed and the 20.4 spec;
 * docs/backends/sfcc.md, *Errors*), as a canonical error. Field names are the canonical ones the caller sent.
 */
const FAULTS: Record<string, Mapping> = {
  CustomerNotFoundException: { code: 'not_found', detail: 'the customer does not exist' },
  NotFoundException: { code: 'not_found', detail: 'the resource does not exist' },
  CustomerAddressNotFoundException: { code: 'not_found', detail: 'the address does not exist' },
  PaymentInstrumentNotFoundException: { code: 'not_found', detail: 'the payment instrument does not exist' },
  LoginAlreadyInUseException: {
    code: 'conflict',
    detail: 'the login is already used by another customer',
    field: { path: 'login', message: 'already used' },
  },
  AddressIdAlreadyInUseException: {
    code: 'conflict',
    detail: 'the customer already has an address with this id',
    field: { path: 'id', message: 'already used' },
  },
  AddressNameAlreadyInUseException: {
    code: 'conflict',
    detail: 'the customer already has an address with this id',
    field: { path: 'id', message: 'already used' },
  },
  InvalidCustomerAddressIdException: {
    code: 'validation_failed',
    detail: 'the address id is missing or blank',
    field: { path: 'id', message: 'must not be blank' },
  },
  MissingEmailException: {
    code: 'validation_failed',
    detail: 'SFCC requires an email',
    field: { path: 'email', message: 'is required' },
  },
  MissingLastNameException: {
    code: 'validation_failed',
    detail: 'SFCC requires a last name',
    field: { path: 'lastName', message: 'is required' },
  },
  MissingLoginException: {
    code: 'validation_failed',
    detail: 'SFCC requires a login',
    field: { path: 'login', message: 'is required' },
  },
  MissingPasswordException: {
    code: 'validation_failed',
    detail: 'SFCC requires a password here',
    field: { path: 'password', message: 'is required' },
  },
  InvalidLoginException: {
    code: 'validation_failed',
    detail: "the login does not meet SFCC's acceptance criteria",
    field: { path: 'login', message: 'not accepted by SFCC' },
  },
  InvalidPasswordException: {
    code: 'validation_failed',
    detail: "the password does not meet SFCC's password policy",
    field: { path: 'password', message: 'not accepted by the password policy' },
  },
  InvalidEmailException: {
    code: 'validation_failed',
    detail: 'SFCC does not accept this email address',
    field: { path: 'email', message: 'not accepted by SFCC' },
  },
  // Our credentials or token do not cover the call (customer ≠ JWT, registered JWT, no Basic header).
  InvalidCustomerException: { code: 'upstream_auth_failed', detail: 'the token used does not cover this customer' },
  CustomerAlreadyRegisteredException: {
    code: 'upstream_auth_failed',
    detail: 'the token used already represents a registered customer',
  },
  AuthorizationBasicMissingException: {
    code: 'upstream_auth_failed',
    detail: 'the credentials request lacked its Basic header',
  },
  AuthenticationFailedException: { code: 'upstream_auth_failed', detail: 'authentication failed' },
  ExpiredTokenException: { code: 'upstream_auth_failed', detail: 'the access token expired and could not be renewed' },
  InvalidAccessTokenException: { code: 'upstream_auth_failed', detail: 'the access token was refused' },
};

/**
 * OCAPI property → the canonical field it carries (`customer` and `customer_address` share
 * their name fields), so a fault naming a property names the field the caller sent.
 */
const FIELDS: Record<string, string> = {
  email: 'email',
  login: 'login',
  first_name: 'firstName',
  last_name: 'lastName',
  second_name: 'secondName',
  title: 'title',
  salutation: 'salutation',
  suffix: 'suffix',
  company_name: 'companyName',
  job_title: 'jobTitle',
  gender: 'gender',
  birthday: 'birthDate',
  phone_home: 'phones.primary',
  phone_mobile: 'phones.mobile',
  phone_business: 'phones.business',
  fax: 'phones.fax',
  enabled: 'active',
  address_id: 'id',
  full_name: 'fullName',
  address1: 'line1',
  address2: 'line2',
  post_box: 'postBox',
  suite: 'suite',
  city: 'city',
  postal_code: 'postalCode',
  state_code: 'stateCode',
  country_code: 'countryCode',
  phone: 'phone',
};

function fieldOf(property: string, externalRefAttribute: string | undefined): string | undefined {
  if (property === externalRefAttribute) return 'externalRef';
  if (/^c_[A-Za-z]/.test(property)) return `custom.${property.slice(2)}`;
  return Object.hasOwn(FIELDS, property) ? FIELDS[property] : undefined;
}

/** Reads typed (`{type, value}`) or plain fault arguments. */
export function faultArgument(fault: OcapiFault, name: string): string | undefined {
  const raw = fault.arguments?.[name];
  const value = raw && typeof raw === 'object' && 'value' in raw ? (raw as { value: unknown }).value : raw;
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

/** The fault document of a failed answer, if it is one. */
export async function readFault(response: Response): Promise<OcapiFault | undefined> {
  try {
    const parsed = FaultSchema.safeParse(JSON.parse(await response.clone().text()));
    return parsed.success ? parsed.data.fault : undefined;
  } catch {
    return undefined;
  }
}

/**
 * An OCAPI error answer as a GatewayError. The fault type goes into `upstream.code`; the fault's
 * own message is passed on only for HookStatusException (it is the customization's message for
 * the shopper); raw bodies never are.
 */
export async function ocapiError(
  response: Response,
  what: string,
  externalRefAttribute?: string,
): Promise<GatewayError> {
  const status = response.status;
  const fault = await readFault(response);
  const upstream = { status, code: fault?.type };
  if (status === 429) {
    return new GatewayError('rate_limited', `SFCC is rate limiting requests (${what})`, {
      upstream,
      retryAfter: retryAfterSeconds(response.headers.get('retry-after')) ?? 1,
    });
  }
  if (status === 412)
    return new GatewayError('precondition_failed', `If-Match does not match the current ETag of ${what}`, { upstream });
  if (fault?.type === 'HookStatusException') {
    const message = faultArgument(fault, 'statusMessage') ?? fault.message ?? 'a customization hook refused the change';
    return new GatewayError('rejected', `SFCC refused ${what}: ${message}`, {
      upstream: { status, code: faultArgument(fault, 'statusCode') ?? fault.type },
    });
  }
  const known = fault ? FAULTS[fault.type] : undefined;
  if (known)
    return new GatewayError(known.code, `${what}: ${known.detail}`, {
      upstream,
      errors: known.field ? [known.field] : undefined,
    });
  // An unknown 400 that names a property we wrote is about the caller's value; anything else is ours or SFCC's.
  const property = fault && (faultArgument(fault, 'property') ?? faultArgument(fault, 'attributeName'));
  const field = status === 400 && property ? fieldOf(property, externalRefAttribute) : undefined;
  if (field) {
    const hint =
      property === externalRefAttribute
        ? ` (is ${property} a customer attribute on this site? see SFCC_EXTERNAL_REF_ATTRIBUTE)`
        : '';
    return new GatewayError('validation_failed', `SFCC does not accept the value of ${field} (${what})${hint}`, {
      upstream,
      errors: [{ path: field, message: 'not accepted by SFCC' }],
    });
  }
  if (status === 401 || status === 403)
    return new GatewayError('upstream_auth_failed', `SFCC refused our credentials (${what})`, { upstream });
  if (status === 404) return new GatewayError('not_found', `${what}: not found`, { upstream });
  if (status === 409) return new GatewayError('conflict', `${what}: conflict`, { upstream });
  return new GatewayError('upstream_error', `SFCC answered ${status}${fault ? ` ${fault.type}` : ''} (${what})`, {
    upstream,
  });
}
