import countries from 'i18n-iso-countries';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import {
  AddressCreateBody,
  AddressUpdateBody,
  CustomerCreateBody,
  CustomerUpdateBody,
  GroupsBody,
  LegacyCustomDataBody,
  PasswordBody,
  PasswordHashBody,
  parseBody,
  ReferenceKeyBody,
  StatusBody,
} from './payloads.js';
import { fingerprint, scayleNow, type ScayleAddress, type ScayleCustomer, type ScayleStore } from './store.js';
import { createRateLimiter } from '../shared/rate-limit.js';
import {
  ERROR_KEYS,
  errorResponse,
  fail,
  rateLimitedResponse,
  rateLimitHeaders,
  readBody,
  ScayleHttpError,
  scayleError,
  scopeOf,
} from './wire.js';

export const API_PREFIX = '/api/admin/v1';
const CUSTOMERS = `${API_PREFIX}/shops/:shopKey/countries/:countryCode/customers`;

/** The list's cursor query parameter. SCAYLE's docs do not name it (VENDOR-NOTES: unconfirmed). */
export const CURSOR_PARAM = 'cursor';
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

export interface ScayleAppOptions {
  store: ScayleStore;
  accessToken: string;
  shopKey: string;
  faults: MiddlewareHandler;
  rateLimit?: { limit: number; windowSeconds: number };
}

type Identifier = { kind: 'id'; id: number } | { kind: 'key'; key: string };

/** `123` or `key=<ref>` (sent URL-encoded as `key%3D<ref>`; the router hands it over decoded). */
function parseIdentifier(raw: string, what: string): Identifier {
  if (/^[1-9]\d{0,15}$/.test(raw)) return { kind: 'id', id: Number(raw) };
  const match = /^key=(.+)$/s.exec(raw);
  if (match) return { kind: 'key', key: match[1]! };
  return fail(400, ERROR_KEYS.invalidIdentifier, `The ${what} identifier must be a positive integer or key=<referenceKey>.`, { identifier: what });
}

/** A customer as the API answers: nested resources only where `with` asks for them. */
function present(customer: ScayleCustomer, include: Set<string>): Record<string, unknown> {
  const { addresses, legacyCustomData, ...rest } = customer;
  const out: Record<string, unknown> = structuredClone(rest);
  if (include.has('addresses')) out.addresses = structuredClone(addresses);
  // PHP serialises an empty map as [], and SCAYLE answers legacyCustomData that way.
  if (include.has('legacyCustomData')) out.legacyCustomData = Object.keys(legacyCustomData).length ? structuredClone(legacyCustomData) : [];
  return out;
}

const FULL = new Set(['addresses', 'legacyCustomData']);

function parseWith(value: string | undefined): Set<string> {
  const parts = (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const p of parts) {
    if (!['addresses', 'legacyCustomData', 'nonUniqueAddresses'].includes(p)) {
      fail(400, ERROR_KEYS.invalidParameter, `Unknown nested resource ${p} in with.`, { parameter: 'with' });
    }
  }
  return new Set(parts);
}

/** SCAYLE's documented sort columns. The emulator keeps no app, invoice, login, lock or reset dates: those sort by id. */
const SORTABLE = [
  'id', 'appId', 'birthDate', 'firstName', 'lastName', 'lastInvoiceDate', 'lastLoginDate', 'lockedUntilDate',
  'passwordResetRequestedAt', 'createdAt', 'updatedAt',
] as const;

/**
 * An address as the address endpoints answer it: with the read-only `shopCountry` of the shop
 * country in the path (alpha-2, as in SCAYLE's SDK fixtures). Addresses nested in a customer carry none.
 */
function presentAddress(address: ScayleAddress, c: Context, shopKey: string): Record<string, unknown> {
  const code = c.req.param('countryCode')!.toUpperCase();
  const alpha2 = code.length === 3 ? countries.alpha3ToAlpha2(code)! : code;
  const shopCountry = {
    id: 1, shopKey, countryCode: alpha2, defaultLanguageCode: 'de_DE', supportedLanguageCodes: [], priceGroupKey: null,
    url: null, active: true, currencyCode: null, deleted: false,
  };
  return { ...structuredClone(address), shopCountry };
}

export function createScayleApp(options: ScayleAppOptions) {
  const { store } = options;
  const limiter = options.rateLimit ? createRateLimiter(options.rateLimit) : undefined;
  const app = new Hono();

  app.onError((error) => {
    if (error instanceof ScayleHttpError) return errorResponse(error.status, error.errors);
    return errorResponse(500, [scayleError(ERROR_KEYS.internal, 'Internal server error.')]);
  });
  app.notFound(() => errorResponse(404, [scayleError(ERROR_KEYS.routeNotFound, 'Route not found.')]));

  app.use('*', options.faults);

  // Authentication comes before the budget: SCAYLE counts authenticated calls per scope.
  app.use(`${API_PREFIX}/*`, async (c, next) => {
    const token = c.req.header('x-access-token');
    if (!token || token !== options.accessToken) {
      return errorResponse(401, [scayleError(ERROR_KEYS.unauthorized, 'Missing or invalid access token.')]);
    }
    if (!limiter) return next();
    const scope = scopeOf(c.req.method);
    const taken = limiter.take(scope);
    if (!taken.ok) return rateLimitedResponse(scope, options.rateLimit!.limit, taken.resetSeconds);
    await next();
    const headers = rateLimitHeaders(scope, options.rateLimit!.limit, taken.remaining, taken.resetSeconds);
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  });

  // The shop must be ours; the country may be given as alpha-2 or alpha-3 (SCAYLE's docs use both).
  app.use(`${CUSTOMERS}/*`, checkShop);
  app.use(CUSTOMERS, checkShop);
  async function checkShop(c: Context, next: () => Promise<void>) {
    const { shopKey, countryCode } = c.req.param() as { shopKey: string; countryCode: string };
    if (shopKey !== options.shopKey || !countries.isValid(countryCode)) {
      return errorResponse(404, [scayleError(ERROR_KEYS.notFound, 'Shop country not found.', { entity: 'shopCountry' })]);
    }
    await next();
  }

  const findCustomer = (c: Context): ScayleCustomer => {
    const ident = parseIdentifier(c.req.param('ident')!, 'customer');
    const customer = ident.kind === 'id' ? store.customers.get(ident.id) : store.byReferenceKey(ident.key);
    if (!customer) return fail(404, ERROR_KEYS.notFound, 'Customer not found.', { entity: 'customer' });
    return customer;
  };
  const findAddress = (c: Context, customer: ScayleCustomer): ScayleAddress => {
    const ident = parseIdentifier(c.req.param('addr')!, 'address');
    const address = customer.addresses.find((a) => (ident.kind === 'id' ? a.id === ident.id : a.referenceKey === ident.key));
    if (!address) return fail(404, ERROR_KEYS.notFound, 'Customer address not found.', { entity: 'customerAddress' });
    return address;
  };
  const assertEmailFree = (email: string, self?: ScayleCustomer) => {
    const other = store.byEmail(email);
    if (other && other !== self) fail(409, ERROR_KEYS.emailTaken, 'A customer with this email already exists.', { field: 'email' });
  };
  const assertReferenceKeyFree = (key: string | null | undefined, self?: ScayleCustomer) => {
    const other = key ? store.byReferenceKey(key) : undefined;
    if (other && other !== self) fail(409, ERROR_KEYS.referenceKeyTaken, 'The reference key is already assigned.', { field: 'referenceKey' });
  };
  const assertAddressKeyFree = (customer: ScayleCustomer, key: string | null | undefined, self?: ScayleAddress) => {
    const other = key ? customer.addresses.find((a) => a.referenceKey === key) : undefined;
    if (other && other !== self) fail(409, ERROR_KEYS.referenceKeyTaken, 'The address reference key is already assigned.', { field: 'referenceKey' });
  };
  const touch = (customer: ScayleCustomer) => {
    customer.updatedAt = scayleNow();
  };
  /** One default billing and one default shipping address per customer. */
  const settleDefaults = (customer: ScayleCustomer, address: ScayleAddress) => {
    for (const other of customer.addresses) {
      if (other === address) continue;
      if (address.isDefault.billing) other.isDefault.billing = false;
      if (address.isDefault.shipping) other.isDefault.shipping = false;
    }
    for (const a of customer.addresses) a.type = a.isDefault.billing && !a.isDefault.shipping ? 'billing' : 'shipping';
  };
  /** Applies present keys; null clears. */
  const assign = (target: Record<string, unknown>, patch: Record<string, unknown>) => {
    for (const [key, value] of Object.entries(patch)) if (value !== undefined) target[key] = value;
  };

  // ---- customers -------------------------------------------------------------------------

  app.get(CUSTOMERS, (c) => {
    const q = c.req.query();
    const include = parseWith(q.with);
    const limit = q.limit === undefined ? DEFAULT_LIMIT : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      fail(400, ERROR_KEYS.invalidParameter, `limit must be an integer between 1 and ${MAX_LIMIT}.`, { parameter: 'limit' });
    }
    const sort = q.sort ?? 'id';
    if (!(SORTABLE as readonly string[]).includes(sort)) fail(400, ERROR_KEYS.invalidParameter, `Cannot sort by ${sort}.`, { parameter: 'sort' });
    const dir = q.sortDir ?? 'asc';
    if (dir !== 'asc' && dir !== 'desc') fail(400, ERROR_KEYS.invalidParameter, 'sortDir must be asc or desc.', { parameter: 'sortDir' });

    let offset = 0;
    const cursor = q[CURSOR_PARAM];
    if (cursor !== undefined) {
      const decoded = /^o(\d{1,9})$/.exec(fromBase64Url(cursor));
      if (!decoded) fail(400, ERROR_KEYS.invalidParameter, 'The cursor is invalid.', { parameter: CURSOR_PARAM });
      offset = Number(decoded![1]);
    }

    const list = (name: string) => q[`filters[${name}]`]?.split(',').map((s) => s.trim()).filter(Boolean);
    const num = (name: string) => {
      const raw = q[`filters[${name}]`];
      if (raw === undefined) return undefined;
      if (!/^\d+$/.test(raw)) fail(400, ERROR_KEYS.invalidParameter, `filters[${name}] must be an integer.`, { parameter: `filters[${name}]` });
      return Number(raw);
    };
    const time = (name: string) => {
      const raw = q[`filters[${name}]`];
      if (raw === undefined) return undefined;
      const t = Date.parse(raw);
      if (Number.isNaN(t)) fail(400, ERROR_KEYS.invalidParameter, `filters[${name}] must be a date.`, { parameter: `filters[${name}]` });
      return t;
    };
    const ids = list('id')?.map(Number);
    const keys = list('referenceKey');
    const groups = list('group');
    // filters[email] is not in SCAYLE's published list; the emulator offers it (see README, SCAYLE).
    const emails = list('email')?.map((e) => e.toLowerCase());
    const [minId, maxId] = [num('minId'), num('maxId')];
    const [minCreated, maxCreated, minUpdated, maxUpdated] = [time('minCreatedAt'), time('maxCreatedAt'), time('minUpdatedAt'), time('maxUpdatedAt')];
    const isActive = q['filters[isActive]'];
    // The country of the customer's default billing / shipping address, alpha-2 or alpha-3.
    const country = (name: string) => {
      const raw = q[`filters[${name}]`];
      if (raw === undefined) return undefined;
      const alpha3 = raw.length === 2 ? countries.alpha2ToAlpha3(raw.toUpperCase()) : countries.isValid(raw) ? raw.toUpperCase() : undefined;
      if (!alpha3) fail(400, ERROR_KEYS.invalidParameter, `filters[${name}] must be a country code.`, { parameter: `filters[${name}]` });
      return alpha3;
    };
    const [billingCountry, shippingCountry] = [country('billingAddressCountryCode'), country('shippingAddressCountryCode')];
    const defaultIn = (cu: ScayleCustomer, kind: 'billing' | 'shipping', alpha3: string) =>
      cu.addresses.some((a) => a.isDefault[kind] && a.countryCode === alpha3);

    const all = [...store.customers.values()].filter(
      (cu) =>
        (!ids || ids.includes(cu.id)) &&
        (!keys || (cu.referenceKey !== null && keys.includes(cu.referenceKey))) &&
        (!groups || cu.groups.some((g) => groups.includes(g))) &&
        (!emails || emails.includes(cu.email.toLowerCase())) &&
        (minId === undefined || cu.id >= minId) &&
        (maxId === undefined || cu.id <= maxId) &&
        (minCreated === undefined || Date.parse(cu.createdAt) >= minCreated) &&
        (maxCreated === undefined || Date.parse(cu.createdAt) <= maxCreated) &&
        (minUpdated === undefined || Date.parse(cu.updatedAt) >= minUpdated) &&
        (maxUpdated === undefined || Date.parse(cu.updatedAt) <= maxUpdated) &&
        (isActive === undefined || String(cu.status.isActive) === isActive) &&
        (billingCountry === undefined || defaultIn(cu, 'billing', billingCountry)) &&
        (shippingCountry === undefined || defaultIn(cu, 'shipping', shippingCountry)),
    );
    const key = (cu: ScayleCustomer) => (cu as unknown as Record<string, string | number | null>)[sort] ?? '';
    all.sort((a, b) => {
      const [x, y] = [key(a), key(b)];
      const order = x < y ? -1 : x > y ? 1 : a.id - b.id;
      return dir === 'asc' ? order : -order;
    });
    const page = all.slice(offset, offset + limit);
    const next = offset + limit < all.length ? btoa(`o${offset + limit}`).replace(/=+$/, '') : null;
    return c.json({ entities: page.map((cu) => present(cu, include)), cursor: { next } });
  });

  app.post(CUSTOMERS, async (c) => {
    const body = parseBody(CustomerCreateBody, await readBody(c));
    assertEmailFree(body.email);
    assertReferenceKeyFree(body.referenceKey);
    const now = scayleNow();
    const customer: ScayleCustomer = {
      id: store.newCustomerId(),
      referenceKey: body.referenceKey ?? null,
      firstName: body.firstName ?? null,
      lastName: body.lastName ?? null,
      gender: body.gender ?? null,
      birthDate: body.birthDate ?? null,
      email: body.email,
      phone: body.phone ?? null,
      publicKey: body.publicKey ?? null,
      title: body.title ?? null,
      type: 'personal',
      groups: body.groups ?? [],
      identities: body.identities ?? [],
      status: { isActive: true, isGuestCustomer: false },
      company: null,
      legacyCustomData: body.legacyCustomData ?? {},
      hasPassword: false,
      createdAt: now,
      updatedAt: now,
      addresses: [],
    };
    store.customers.set(customer.id, customer);
    return c.json(present(customer, FULL), 201);
  });

  app.get(`${CUSTOMERS}/:ident`, (c) => c.json(present(findCustomer(c), parseWith(c.req.query('with')))));

  app.patch(`${CUSTOMERS}/:ident`, async (c) => {
    const customer = findCustomer(c);
    const body = parseBody(CustomerUpdateBody, await readBody(c));
    if (body.email) assertEmailFree(body.email, customer);
    assign(customer as unknown as Record<string, unknown>, body);
    touch(customer);
    return c.json(present(customer, FULL));
  });

  app.delete(`${CUSTOMERS}/:ident`, (c) => {
    const customer = findCustomer(c);
    store.customers.delete(customer.id);
    store.credentials.delete(customer.id);
    return c.body(null, 204);
  });

  app.put(`${CUSTOMERS}/:ident/reference-key`, async (c) => {
    const customer = findCustomer(c);
    const { referenceKey } = parseBody(ReferenceKeyBody, await readBody(c));
    assertReferenceKeyFree(referenceKey, customer);
    customer.referenceKey = referenceKey;
    touch(customer);
    return c.json(present(customer, FULL));
  });

  app.put(`${CUSTOMERS}/:ident/password`, async (c) => {
    const customer = findCustomer(c);
    const body = parseBody(PasswordBody, await readBody(c));
    if (body.hashingType !== 'external' && body.password.length < 8) {
      fail(400, ERROR_KEYS.invalidField, 'The password must be at least 8 characters.', { field: 'password' });
    }
    store.credentials.set(customer.id, { hashingType: body.hashingType, hash: fingerprint(body.password), source: 'password' });
    customer.hasPassword = true;
    touch(customer);
    return c.body(null, 204);
  });

  app.put(`${CUSTOMERS}/:ident/password-hash`, async (c) => {
    const customer = findCustomer(c);
    const body = parseBody(PasswordHashBody, await readBody(c));
    store.credentials.set(customer.id, { hashingType: body.hashingType, hash: body.hash, source: 'password-hash' });
    customer.hasPassword = true;
    touch(customer);
    return c.body(null, 204);
  });

  app.get(`${CUSTOMERS}/:ident/status`, (c) => c.json(findCustomer(c).status));

  app.put(`${CUSTOMERS}/:ident/status`, async (c) => {
    const customer = findCustomer(c);
    customer.status = parseBody(StatusBody, await readBody(c));
    touch(customer);
    return c.json(customer.status);
  });

  app.post(`${CUSTOMERS}/:ident/customer-groups`, async (c) => {
    const customer = findCustomer(c);
    const { groups } = parseBody(GroupsBody, await readBody(c));
    for (const g of groups) if (!customer.groups.includes(g)) customer.groups.push(g);
    touch(customer);
    return c.json(present(customer, FULL));
  });

  app.delete(`${CUSTOMERS}/:ident/customer-groups/:group`, (c) => {
    const customer = findCustomer(c);
    const group = c.req.param('group');
    if (!customer.groups.includes(group)) fail(404, ERROR_KEYS.notFound, 'Customer group not found.', { entity: 'customerGroup' });
    customer.groups = customer.groups.filter((g) => g !== group);
    touch(customer);
    return c.body(null, 204);
  });

  // Replaces the whole legacy custom data document (PUT semantics; the SDK calls it createOrUpdate).
  app.put(`${CUSTOMERS}/:ident/legacy-custom-data`, async (c) => {
    const customer = findCustomer(c);
    customer.legacyCustomData = parseBody(LegacyCustomDataBody, await readBody(c));
    touch(customer);
    return c.json(present(customer, FULL));
  });

  const anonymizeCustomer = (c: Context) => {
    const customer = findCustomer(c);
    Object.assign(customer, {
      firstName: 'anonymized', lastName: 'anonymized', email: `anonymized-${customer.id}@anonymized.invalid`,
      phone: null, birthDate: null, gender: null, title: null,
    });
    for (const a of customer.addresses) anonymizeAddressFields(a);
    touch(customer);
    return c.body(null, 204);
  };
  app.post(`${CUSTOMERS}/:ident/anonymize`, anonymizeCustomer);
  app.delete(`${CUSTOMERS}/:ident/anonymize`, anonymizeCustomer);

  // ---- addresses -------------------------------------------------------------------------

  const answerAddress = (c: Context, address: ScayleAddress, status: 200 | 201 = 200) => c.json(presentAddress(address, c, options.shopKey), status);

  app.get(`${CUSTOMERS}/:ident/addresses`, (c) => c.json({ entities: findCustomer(c).addresses.map((a) => presentAddress(a, c, options.shopKey)) }));

  app.post(`${CUSTOMERS}/:ident/addresses`, async (c) => {
    const customer = findCustomer(c);
    const body = parseBody(AddressCreateBody, await readBody(c));
    assertAddressKeyFree(customer, body.referenceKey);
    const address: ScayleAddress = {
      id: store.newAddressId(),
      referenceKey: body.referenceKey ?? null,
      street: body.street,
      houseNumber: body.houseNumber ?? null,
      additional: body.additional ?? null,
      zipCode: body.zipCode,
      city: body.city,
      countryCode: body.countryCode,
      state: body.state ?? null,
      phone: body.phone ?? null,
      type: 'shipping',
      isDefault: { billing: body.isDefault?.billing ?? false, shipping: body.isDefault?.shipping ?? false },
      recipient: body.recipient ?? null,
      collectionPoint: body.collectionPoint ?? null,
    };
    customer.addresses.push(address);
    settleDefaults(customer, address);
    touch(customer);
    return answerAddress(c, address, 201);
  });

  app.get(`${CUSTOMERS}/:ident/addresses/:addr`, (c) => answerAddress(c, findAddress(c, findCustomer(c))));

  app.patch(`${CUSTOMERS}/:ident/addresses/:addr`, async (c) => {
    const customer = findCustomer(c);
    const address = findAddress(c, customer);
    const { isDefault, ...body } = parseBody(AddressUpdateBody, await readBody(c));
    assign(address as unknown as Record<string, unknown>, body);
    if (isDefault) address.isDefault = { billing: isDefault.billing ?? address.isDefault.billing, shipping: isDefault.shipping ?? address.isDefault.shipping };
    settleDefaults(customer, address);
    touch(customer);
    return answerAddress(c, address);
  });

  app.put(`${CUSTOMERS}/:ident/addresses/:addr/reference-key`, async (c) => {
    const customer = findCustomer(c);
    const address = findAddress(c, customer);
    const { referenceKey } = parseBody(ReferenceKeyBody, await readBody(c));
    assertAddressKeyFree(customer, referenceKey, address);
    address.referenceKey = referenceKey;
    touch(customer);
    return answerAddress(c, address);
  });

  const anonymizeAddress = (c: Context) => {
    const customer = findCustomer(c);
    anonymizeAddressFields(findAddress(c, customer));
    touch(customer);
    return c.body(null, 204);
  };
  app.post(`${CUSTOMERS}/:ident/addresses/:addr/anonymize`, anonymizeAddress);
  app.delete(`${CUSTOMERS}/:ident/addresses/:addr/anonymize`, anonymizeAddress);

  // SCAYLE has no address DELETE: say so the way a router does.
  app.delete(`${CUSTOMERS}/:ident/addresses/:addr`, () =>
    errorResponse(405, [scayleError(ERROR_KEYS.methodNotAllowed, 'Method not allowed. Use POST …/anonymize to remove personal data.')], { allow: 'GET, PATCH' }),
  );

  return { app, limiter };
}

/** Cursors are opaque to clients; here base64 of the offset. Works without Node's Buffer (Workers). */
function fromBase64Url(text: string): string {
  try {
    return atob(text);
  } catch {
    return '';
  }
}

function anonymizeAddressFields(a: ScayleAddress) {
  Object.assign(a, { street: 'anonymized', houseNumber: null, additional: null, phone: null });
  if (a.recipient) a.recipient = { ...a.recipient, firstName: 'anonymized', lastName: 'anonymized' };
}
