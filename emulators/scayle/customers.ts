import countries from 'i18n-iso-countries';
import { Hono, type Context } from 'hono';
import {
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
import {
  anonymizeAddressFields,
  CUSTOMERS,
  FULL,
  parseWith,
  present,
  SORTABLE,
  type ScayleResources,
} from './resource.js';
import { fingerprint, scayleNow, type ScayleCustomer } from './store.js';
import { ERROR_KEYS, fail, readBody } from './wire.js';

/** The list's cursor query parameter. SCAYLE's docs do not name it (unconfirmed; see docs/backends/scayle.md, *Paging and filters*). */
export const CURSOR_PARAM = 'cursor';
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/** The customers resource: the filtered, cursor-paged list, one customer, and its sub-resources. */
export function customerRoutes(resources: ScayleResources): Hono {
  const { store, findCustomer, assertEmailFree, assertReferenceKeyFree, touch, assign } = resources;
  const app = new Hono();

  app.get(CUSTOMERS, (c) => {
    const q = c.req.query();
    const include = parseWith(q.with);
    const limit = q.limit === undefined ? DEFAULT_LIMIT : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      fail(400, ERROR_KEYS.invalidParameter, `limit must be an integer between 1 and ${MAX_LIMIT}.`, {
        parameter: 'limit',
      });
    }
    const sort = q.sort ?? 'id';
    if (!(SORTABLE as readonly string[]).includes(sort))
      fail(400, ERROR_KEYS.invalidParameter, `Cannot sort by ${sort}.`, { parameter: 'sort' });
    const dir = q.sortDir ?? 'asc';
    if (dir !== 'asc' && dir !== 'desc')
      fail(400, ERROR_KEYS.invalidParameter, 'sortDir must be asc or desc.', { parameter: 'sortDir' });

    let offset = 0;
    const cursor = q[CURSOR_PARAM];
    if (cursor !== undefined) {
      const decoded = /^o(\d{1,9})$/.exec(fromBase64Url(cursor));
      if (!decoded) fail(400, ERROR_KEYS.invalidParameter, 'The cursor is invalid.', { parameter: CURSOR_PARAM });
      offset = Number(decoded![1]);
    }

    const list = (name: string) =>
      q[`filters[${name}]`]
        ?.split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    const num = (name: string) => {
      const raw = q[`filters[${name}]`];
      if (raw === undefined) return undefined;
      if (!/^\d+$/.test(raw))
        fail(400, ERROR_KEYS.invalidParameter, `filters[${name}] must be an integer.`, {
          parameter: `filters[${name}]`,
        });
      return Number(raw);
    };
    const time = (name: string) => {
      const raw = q[`filters[${name}]`];
      if (raw === undefined) return undefined;
      const t = Date.parse(raw);
      if (Number.isNaN(t))
        fail(400, ERROR_KEYS.invalidParameter, `filters[${name}] must be a date.`, { parameter: `filters[${name}]` });
      return t;
    };
    const ids = list('id')?.map(Number);
    const keys = list('referenceKey');
    const groups = list('group');
    // filters[email] is not in SCAYLE's published list; the emulator offers it (see docs/backends/scayle.md).
    const emails = list('email')?.map((e) => e.toLowerCase());
    const [minId, maxId] = [num('minId'), num('maxId')];
    const [minCreated, maxCreated, minUpdated, maxUpdated] = [
      time('minCreatedAt'),
      time('maxCreatedAt'),
      time('minUpdatedAt'),
      time('maxUpdatedAt'),
    ];
    const isActive = q['filters[isActive]'];
    // The country of the customer's default billing / shipping address, alpha-2 or alpha-3.
    const country = (name: string) => {
      const raw = q[`filters[${name}]`];
      if (raw === undefined) return undefined;
      const alpha3 =
        raw.length === 2
          ? countries.alpha2ToAlpha3(raw.toUpperCase())
          : countries.isValid(raw)
            ? raw.toUpperCase()
            : undefined;
      if (!alpha3)
        fail(400, ERROR_KEYS.invalidParameter, `filters[${name}] must be a country code.`, {
          parameter: `filters[${name}]`,
        });
      return alpha3;
    };
    const [billingCountry, shippingCountry] = [
      country('billingAddressCountryCode'),
      country('shippingAddressCountryCode'),
    ];
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

  // Anonymises ("soft-deleted", restorable for a while, then deleted for good); refused with ongoing orders.
  app.delete(`${CUSTOMERS}/:ident`, (c) => {
    const customer = anonymize(findCustomer(c));
    store.customers.delete(customer.id);
    store.credentials.delete(customer.id);
    store.deletionQueue.set(customer.id, customer);
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
    store.credentials.set(customer.id, {
      hashingType: body.hashingType,
      hash: fingerprint(body.password),
      source: 'password',
    });
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
    if (!customer.groups.includes(group))
      fail(404, ERROR_KEYS.notFound, 'Customer group not found.', { entity: 'customerGroup' });
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

  const anonymize = (customer: ScayleCustomer) => {
    if (store.ongoingOrders.get(customer.id))
      fail(409, ERROR_KEYS.ongoingOrders, 'Customers with ongoing orders cannot be anonymized.', {
        customerId: customer.id,
      });
    Object.assign(customer, {
      firstName: 'anonymized',
      lastName: 'anonymized',
      email: `anonymized-${customer.id}@anonymized.invalid`,
      phone: null,
      birthDate: null,
      gender: null,
      title: null,
    });
    for (const a of customer.addresses) anonymizeAddressFields(a);
    touch(customer);
    return customer;
  };
  const anonymizeCustomer = (c: Context) => {
    anonymize(findCustomer(c));
    return c.body(null, 204);
  };
  app.post(`${CUSTOMERS}/:ident/anonymize`, anonymizeCustomer);
  app.delete(`${CUSTOMERS}/:ident/anonymize`, anonymizeCustomer);

  return app;
}

/** Cursors are opaque to clients; here base64 of the offset. Works without Node's Buffer (Workers). */
function fromBase64Url(text: string): string {
  try {
    return atob(text);
  } catch {
    return '';
  }
}
