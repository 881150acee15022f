import { GatewayError } from '../errors.js';
import { retryAfterSeconds } from '../../transport/upstream-client.js';

export const BACKEND = 'open2b';

/**
 * Where an Open2b error field points in the canonical request being served. Open2b names the
 * fields of the customer being written relative to it (`code`, `billingAddress.street1`); the
 * billing address holds both customer fields (email, names, phones) and address fields.
 */
export interface FieldContext {
  /** Prefix of the canonical address that went into the billing slot ('' for an address route, 'addresses.0.' on register). */
  billing?: string;
  shipping?: string;
  /** The billing address's names/company/phone are the customer's (customer routes), not an address's. */
  customerNames?: boolean;
}

const CUSTOMER_LEVEL: Record<string, string> = {
  code: 'externalRef',
  canLogin: 'active',
  password: 'password',
  'password.value': 'password',
  'password.cryptedBy': 'password',
  group: 'groups',
  'billingAddress.email': 'email',
  'billingAddress.mobileNumber': 'phones.mobile',
  'billingAddress.faxNumber': 'phones.fax',
};
const NAME_FIELDS: Record<string, [customer: string, address: string]> = {
  firstName: ['firstName', 'firstName'],
  lastName: ['lastName', 'lastName'],
  companyName: ['companyName', 'companyName'],
  phoneNumber: ['phones.primary', 'phone'],
};
const ADDRESS_FIELDS: Record<string, string> = {
  street1: 'line1',
  street2: 'line2',
  city: 'city',
  postalCode: 'postalCode',
  stateProv: 'stateCode',
  country: 'countryCode',
  name: 'fullName',
};

/** Open2b error field → canonical path (unknown ones are passed as Open2b named them). */
export function canonicalPath(field: string, ctx: FieldContext): string {
  if (CUSTOMER_LEVEL[field]) return CUSTOMER_LEVEL[field]!;
  const [slot, name] = field.split('.', 2) as [string, string | undefined];
  if (name && slot === 'billingAddress') {
    const names = NAME_FIELDS[name];
    if (names) return ctx.customerNames || ctx.billing === undefined ? names[0] : `${ctx.billing}${names[1]}`;
    if (ADDRESS_FIELDS[name]) return `${ctx.billing ?? 'addresses.billing.'}${ADDRESS_FIELDS[name]}`;
  }
  if (name && slot === 'shippingAddress' && ADDRESS_FIELDS[name])
    return `${ctx.shipping ?? 'addresses.shipping.'}${ADDRESS_FIELDS[name]}`;
  return field;
}

const MESSAGES: Record<string, string> = {
  Missing: 'is required by Open2b',
  MissingCombination: 'is required by Open2b together with other fields',
  Malformed: 'is not in a form Open2b accepts',
  InvalidValue: 'has a value Open2b does not accept',
  InvalidCombination: 'does not go together with other values for Open2b',
  NotFound: 'names something that does not exist in Open2b',
};

/**
 * An HTTP-200 `{status:"error"}` document → GatewayError. Open2b's own description is not passed
 * on (it is upstream text and may echo stored values); type and field are.
 */
export function fromErrorDocument(
  error: { field?: string | null; type: string; description?: string | null },
  method: string,
  ctx: FieldContext,
): GatewayError {
  const field = error.field ?? '';
  const upstream = { status: 200, code: error.type };
  if (error.type === 'AccessDenied') {
    return new GatewayError('upstream_auth_failed', `Open2b denied ${method} to our API key (check its permissions)`, {
      upstream,
    });
  }
  if (field === 'method') {
    return new GatewayError('upstream_error', `this Open2b installation does not offer ${method}`, { upstream });
  }
  if (error.type === 'NotFound' && (field === 'id' || field === '')) {
    return new GatewayError('not_found', 'customer does not exist', { upstream });
  }
  // Every key the adapter sends is its own choice: a field the installation does not know, or a
  // fault of the request as a whole (no field), is nothing the caller could fix.
  if (error.type === 'UnknownField' || (field === '' && MESSAGES[error.type])) {
    return new GatewayError(
      'upstream_error',
      `Open2b refused the ${method} request the gateway built (${error.type}${field ? ` on ${field}` : ''})`,
      { upstream },
    );
  }
  const path = canonicalPath(field, ctx);
  if (error.type === 'AlreadyExists') {
    return new GatewayError('conflict', `${path} is already used by another Open2b customer`, {
      upstream,
      errors: [{ path, message: 'already used' }],
    });
  }
  const message = MESSAGES[error.type];
  if (message)
    return new GatewayError('validation_failed', `${path} ${message} (${error.type})`, {
      upstream,
      errors: [{ path, message }],
    });
  return new GatewayError('upstream_error', `Open2b answered ${method} with an error of type ${error.type}`, {
    upstream,
  });
}

/** A non-200 answer: Open2b's HTTP-level refusals are plain text, so only the status says anything. */
export function fromHttpStatus(response: Response, method: string): GatewayError {
  const status = response.status;
  const upstream = { status };
  if (status === 401 || status === 403) {
    return new GatewayError(
      'upstream_auth_failed',
      'Open2b rejected our API key (check OPEN2B_API_KEY and OPEN2B_KEY_HEADER)',
      { upstream },
    );
  }
  if (status === 429) {
    return new GatewayError(
      'rate_limited',
      'Open2b allows 1000 calls every 5 minutes and the budget is spent; retry later',
      {
        upstream,
        retryAfter: retryAfterSeconds(response.headers.get('retry-after')),
      },
    );
  }
  if (status === 404 || status === 405) {
    return new GatewayError(
      'upstream_error',
      `Open2b answered ${status} to ${method} (check OPEN2B_BASE_URL: it should end in /api/v6)`,
      { upstream },
    );
  }
  return new GatewayError('upstream_error', `Open2b answered ${method} with HTTP ${status}`, { upstream });
}
