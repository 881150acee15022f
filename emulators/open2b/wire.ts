/**
 * Open2b's wire conventions: request bodies checked field by field against the documented types
 * and ranges (seed: commerce.customers), failures answered as HTTP 200
 * `{status:"error", error:{field, type, description}}`, transport-level refusals as plain text.
 */

export type Open2bErrorType =
  | 'UnknownField'
  | 'AccessDenied'
  | 'Missing'
  | 'MissingCombination'
  | 'Malformed'
  | 'InvalidValue'
  | 'InvalidCombination'
  | 'NotFound'
  | 'AlreadyExists';

/** Thrown inside a method handler; the app turns it into the HTTP-200 error document. */
export class Open2bError extends Error {
  constructor(
    readonly field: string,
    readonly type: Open2bErrorType,
    readonly description: string,
  ) {
    super(description);
  }
}

export const errorBody = (e: Open2bError) => ({
  status: 'error',
  error: { field: e.field, type: e.type, description: e.description },
});

/** Non-JSON refusals (non-POST, bad key, unknown method, rate limit, injected 5xx). */
export function plainResponse(status: number, text: string, headers: Record<string, string> = {}): Response {
  return new Response(text, { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers } });
}

export type Spec =
  | { kind: 'int'; min?: number; max?: number }
  | { kind: 'string'; min?: number; max?: number }
  | { kind: 'bool' }
  | { kind: 'datetime' }
  | { kind: 'array'; of: Spec }
  | { kind: 'object'; shape: Record<string, Spec>; required?: string[] }
  | { kind: 'nullable'; of: Spec };

const int = (min?: number, max?: number): Spec => ({ kind: 'int', min, max });
const str = (min?: number, max?: number): Spec => ({ kind: 'string', min, max });
const bool: Spec = { kind: 'bool' };
const datetime: Spec = { kind: 'datetime' };
const array = (of: Spec): Spec => ({ kind: 'array', of });
const nullable = (of: Spec): Spec => ({ kind: 'nullable', of });
const object = (shape: Record<string, Spec>, required: string[] = []): Spec => ({ kind: 'object', shape, required });

/** Field types and ranges exactly as the seed documents them (string(a…b) = length a to b). */
export const BILLING_ADDRESS = object(
  {
    firstName: str(1, 25),
    lastName: str(1, 25),
    personalCode: str(0, 20),
    companyName: str(0, 100),
    companyCode: str(0, 20),
    companyCode2: str(0, 20),
    street1: str(1, 60),
    street2: str(0, 60),
    city: str(1, 25),
    postalCode: str(1, 20),
    stateProv: str(0, 3),
    country: str(2, 2),
    phoneNumber: str(0, 15),
    mobileNumber: str(0, 15),
    faxNumber: str(0, 15),
    email: str(3, 120),
  },
  ['firstName', 'lastName', 'street1', 'city', 'postalCode', 'country', 'email'],
);

export const SHIPPING_ADDRESS = object(
  {
    name: str(1, 100),
    street1: str(1, 60),
    street2: str(0, 60),
    city: str(1, 25),
    postalCode: str(1, 20),
    stateProv: str(0, 3),
    country: str(2, 2),
  },
  ['name', 'street1', 'city', 'postalCode', 'country'],
);

// value is documented string(6…50), but a short plain password answers the documented Malformed on `password` (methods.ts).
const PASSWORD = nullable(object({ value: str(1, 50), cryptedBy: nullable(str()) }, ['value']));

const CONDITIONS = object({
  ids: array(int(1)),
  code: str(0, 32),
  canLogin: bool,
  group: int(1, 255),
  email: str(3, 120),
  personalCode: str(1, 20),
  companyCode: str(1, 20),
  keywords: str(1, 120),
  country: str(2, 2),
  stateProv: str(1, 3),
  labels: array(int(1, 32)),
  after: int(0),
});

const FIELDS = array(str(1));

const writableCustomer = {
  code: str(0, 32),
  canLogin: bool,
  password: PASSWORD,
  creationTime: datetime,
  loginTime: nullable(datetime),
  group: int(1, 255),
  wishList: array(int(1)),
  invoiceRecipient: str(0, 256),
};

export const REQUESTS: Record<string, Spec> = {
  find: object({ conditions: CONDITIONS, fields: FIELDS, order: array(str(1)), limit: int(1), first: int(0) }),
  count: object({ conditions: CONDITIONS }),
  get: object({ id: int(1), fields: FIELDS }, ['id']),
  authenticate: object({ email: str(3, 120), password: str(4, 16), fields: FIELDS }, ['email', 'password']),
  create: object(
    {
      customer: object(
        { ...writableCustomer, billingAddress: BILLING_ADDRESS, shippingAddress: nullable(SHIPPING_ADDRESS) },
        ['billingAddress'],
      ),
    },
    ['customer'],
  ),
  update: object(
    {
      id: int(1),
      customer: object({
        ...writableCustomer,
        cart: nullable(int(1)),
        billingAddress: BILLING_ADDRESS,
        shippingAddress: nullable(SHIPPING_ADDRESS),
      }),
    },
    ['id', 'customer'],
  ),
  delete: object({ ids: array(int(1)) }, ['ids']),
};

const DATETIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;

/** Checks `value` against `spec`; the first problem is thrown with Open2b's error type and the dotted field path. */
export function check(spec: Spec, value: unknown, path: string): void {
  const name = path || 'request';
  switch (spec.kind) {
    case 'nullable':
      if (value !== null) check(spec.of, value, path);
      return;
    case 'int':
      if (typeof value !== 'number' || !Number.isInteger(value))
        throw new Open2bError(path, 'Malformed', `${name} must be an integer`);
      if ((spec.min !== undefined && value < spec.min) || (spec.max !== undefined && value > spec.max)) {
        throw new Open2bError(
          path,
          'InvalidValue',
          `${name} must be between ${spec.min ?? '…'} and ${spec.max ?? '…'}`,
        );
      }
      return;
    case 'string': {
      if (typeof value !== 'string') throw new Open2bError(path, 'Malformed', `${name} must be a string`);
      const length = [...value].length;
      if ((spec.min !== undefined && length < spec.min) || (spec.max !== undefined && length > spec.max)) {
        throw new Open2bError(
          path,
          'InvalidValue',
          `${name} must have between ${spec.min ?? 0} and ${spec.max ?? '…'} characters`,
        );
      }
      return;
    }
    case 'bool':
      if (typeof value !== 'boolean') throw new Open2bError(path, 'Malformed', `${name} must be a boolean`);
      return;
    case 'datetime':
      if (typeof value !== 'string' || !DATETIME.test(value))
        throw new Open2bError(path, 'Malformed', `${name} must be a datetime "YYYY-MM-DD HH:MM:SS"`);
      return;
    case 'array':
      if (!Array.isArray(value)) throw new Open2bError(path, 'Malformed', `${name} must be an array`);
      value.forEach((item) => check(spec.of, item, path));
      return;
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        throw new Open2bError(path, 'Malformed', `${name} must be an object`);
      const record = value as Record<string, unknown>;
      const at = (key: string) => (path ? `${path}.${key}` : key);
      for (const key of Object.keys(record)) {
        if (!(key in spec.shape)) throw new Open2bError(at(key), 'UnknownField', `${at(key)} is not a known field`);
      }
      for (const key of spec.required ?? []) {
        if (record[key] === undefined || record[key] === null)
          throw new Open2bError(at(key), 'Missing', `${at(key)} is required`);
      }
      for (const [key, inner] of Object.entries(spec.shape)) {
        if (record[key] !== undefined) check(inner, record[key], at(key));
      }
      return;
    }
  }
}
