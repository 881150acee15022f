import {
  CUSTOMER_FIELDS,
  emptyBilling,
  encryptPassword,
  fullNameOf,
  isShopTime,
  passwordMatches,
  type Open2bBillingAddress,
  type Open2bCustomer,
  type Open2bShippingAddress,
  type Open2bStore,
} from './store.js';
import { Open2bError } from './wire.js';

/** What a method handler needs besides its (already type-checked) request. */
export interface MethodContext {
  store: Open2bStore;
  /** Current shop-local time, "YYYY-MM-DD HH:MM:SS". */
  now(): string;
}

type Body = Record<string, any>;
type Handler = (body: Body, ctx: MethodContext) => Promise<Record<string, unknown>>;

const ORDER_KEYS = [
  'id',
  'code',
  'email',
  'canLogin',
  'hasPassword',
  'fullName',
  'country',
  'creationTime',
  'updateTime',
  'group',
] as const;
const CRYPTED_BY = ['Open2b', 'osCommerce', 'ZenCart', 'CRELoaded'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const RECIPIENT_CODE = /^[A-Z0-9]{6,7}$/i;

function sortValue(c: Open2bCustomer, key: (typeof ORDER_KEYS)[number]): string | number | boolean {
  if (key === 'email') return c.billingAddress.email.toLowerCase();
  if (key === 'country') return c.billingAddress.country;
  if (key === 'fullName') return c.fullName.toLowerCase();
  return c[key];
}

function comparator(order: string[]) {
  const keys = order.map((entry) => {
    const desc = entry.startsWith('-');
    const key = (desc ? entry.slice(1) : entry) as (typeof ORDER_KEYS)[number];
    if (!ORDER_KEYS.includes(key))
      throw new Open2bError('order', 'InvalidValue', `'${entry}' is not a valid sort order`);
    return { key, sign: desc ? -1 : 1 };
  });
  return (a: Open2bCustomer, b: Open2bCustomer) => {
    for (const { key, sign } of keys) {
      const x = sortValue(a, key);
      const y = sortValue(b, key);
      if (x < y) return -sign;
      if (x > y) return sign;
    }
    return a.id - b.id;
  };
}

function matches(c: Open2bCustomer, conditions: Body | undefined, store: Open2bStore): boolean {
  if (!conditions) return true;
  const b = c.billingAddress;
  const lower = (s: string) => s.toLowerCase();
  if (conditions.ids && !conditions.ids.includes(c.id)) return false;
  if (conditions.code !== undefined && c.code !== conditions.code) return false;
  if (conditions.canLogin !== undefined && c.canLogin !== conditions.canLogin) return false;
  if (conditions.group !== undefined && c.group !== conditions.group) return false;
  if (conditions.email !== undefined && lower(b.email) !== lower(conditions.email)) return false;
  if (conditions.personalCode !== undefined && b.personalCode !== conditions.personalCode) return false;
  if (conditions.companyCode !== undefined && b.companyCode !== conditions.companyCode) return false;
  if (conditions.country !== undefined && b.country !== conditions.country) return false;
  if (conditions.stateProv !== undefined && b.stateProv !== conditions.stateProv) return false;
  if (conditions.after !== undefined && c.id <= conditions.after) return false;
  if (conditions.labels && !(store.labels.get(c.id) ?? []).some((l) => conditions.labels.includes(l))) return false;
  if (conditions.keywords !== undefined) {
    const k = lower(conditions.keywords);
    if (![c.code, c.fullName, b.personalCode, b.companyCode, b.email].some((v) => lower(v).includes(k))) return false;
  }
  return true;
}

/** The answer's customer: every field, or only the ones `fields` names (an empty list: `{}`). */
function project(c: Open2bCustomer, fields: string[] | undefined): Record<string, unknown> {
  const copy = structuredClone(c) as unknown as Record<string, unknown>;
  if (fields === undefined) return copy;
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    if (!(CUSTOMER_FIELDS as readonly string[]).includes(field))
      throw new Open2bError('fields', 'InvalidValue', `'${field}' is not a customer field`);
    out[field] = copy[field];
  }
  return out;
}

function checkEmail(email: string): void {
  if (!EMAIL.test(email))
    throw new Open2bError(
      'billingAddress.email',
      'InvalidValue',
      `Email '${email}' is not a well formed email address`,
    );
}

function checkInvoiceRecipient(value: string | undefined): void {
  if (value && !RECIPIENT_CODE.test(value) && !EMAIL.test(value)) {
    throw new Open2bError('invoiceRecipient', 'Malformed', `'${value}' is not a recipient code or email address`);
  }
}

function checkTimes(creationTime: string, loginTime: string | null, now: string): void {
  if (!isShopTime(creationTime))
    throw new Open2bError('creationTime', 'Malformed', `'${creationTime}' is not a valid datetime`);
  if (creationTime > now)
    throw new Open2bError('creationTime', 'InvalidValue', `Creation time '${creationTime}' is in the future`);
  if (loginTime === null) return;
  if (!isShopTime(loginTime)) throw new Open2bError('loginTime', 'Malformed', `'${loginTime}' is not a valid datetime`);
  if (loginTime < creationTime)
    throw new Open2bError('loginTime', 'InvalidValue', `Login time '${loginTime}' is before the creation time`);
  if (loginTime > now) throw new Open2bError('loginTime', 'InvalidValue', `Login time '${loginTime}' is in the future`);
}

/** Plain passwords are 6–16 characters; crypted ones are stored as given. */
async function encrypt(password: { value: string; cryptedBy?: string | null }): Promise<string> {
  const by = password.cryptedBy ?? 'None';
  if (by === 'None') {
    const length = [...password.value].length;
    if (length < 6 || length > 16)
      throw new Open2bError('password', 'Malformed', 'Password must have between 6 and 16 characters');
    return encryptPassword(password.value);
  }
  if (!CRYPTED_BY.includes(by))
    throw new Open2bError('password.cryptedBy', 'InvalidValue', `'${by}' is not a known application`);
  if (by === 'Open2b') {
    if (password.value.length !== 45)
      throw new Open2bError('password', 'Malformed', `Password is not a '${by}' crypted password`);
    return password.value;
  }
  return `${by}:${password.value}`;
}

/** Not two customers with the same email and both with a password (docs, customers.delete notes). */
function checkEmailFree(store: Open2bStore, email: string, selfId: number | undefined): void {
  for (const other of store.customers.values()) {
    if (other.id !== selfId && other.hasPassword && other.billingAddress.email.toLowerCase() === email.toLowerCase()) {
      throw new Open2bError(
        'billingAddress.email',
        'AlreadyExists',
        `Email '${email}' already exists for a customer that can login`,
      );
    }
  }
}

function checkCodeFree(store: Open2bStore, code: string, selfId: number | undefined): void {
  if (code === '') return;
  for (const other of store.customers.values()) {
    if (other.id !== selfId && other.code === code)
      throw new Open2bError('code', 'AlreadyExists', `Code '${code}' already exists`);
  }
}

/** A written address replaces the stored one whole: optional fields left out become empty. */
const billingFrom = (given: Partial<Open2bBillingAddress>): Open2bBillingAddress => ({ ...emptyBilling(), ...given });
const shippingFrom = (given: Partial<Open2bShippingAddress>): Open2bShippingAddress => ({
  name: '',
  street1: '',
  street2: '',
  city: '',
  postalCode: '',
  stateProv: '',
  country: '',
  ...given,
});

export const methods: Record<string, Handler> = {
  async find(body, { store }) {
    const all = [...store.customers.values()]
      .filter((c) => matches(c, body.conditions, store))
      .sort(comparator(body.order ?? ['id']));
    const first = body.first ?? 0;
    const slice = all.slice(first, body.limit === undefined ? undefined : first + body.limit);
    return { customers: slice.map((c) => project(c, body.fields)) };
  },

  async count(body, { store }) {
    return { count: [...store.customers.values()].filter((c) => matches(c, body.conditions, store)).length };
  },

  async get(body, { store }) {
    const customer = store.customers.get(body.id);
    return { customer: customer ? project(customer, body.fields) : null };
  },

  /** On success the stored loginTime becomes now and the answer carries the previous one. */
  async authenticate(body, { store, now }) {
    const email = String(body.email).toLowerCase();
    for (const c of store.customers.values()) {
      if (
        c.canLogin &&
        c.hasPassword &&
        c.billingAddress.email.toLowerCase() === email &&
        (await passwordMatches(c.encryptedPassword, body.password))
      ) {
        const answer = project(c, body.fields);
        c.loginTime = now();
        return { customer: answer };
      }
    }
    return { customer: null };
  },

  async create(body, { store, now }) {
    const input = body.customer as Body;
    const time = now();
    const billing = billingFrom(input.billingAddress);
    checkEmail(billing.email);
    checkInvoiceRecipient(input.invoiceRecipient);
    const creationTime = input.creationTime ?? time;
    checkTimes(creationTime, input.loginTime ?? null, time);
    const group = input.group ?? 1;
    if (!store.groups.has(group)) throw new Open2bError('group', 'NotFound', `Customer group ${group} does not exist`);
    const hasPassword = input.password !== undefined && input.password !== null;
    const canLogin = input.canLogin ?? hasPassword;
    if (canLogin && !hasPassword)
      throw new Open2bError('password', 'Missing', 'Password is required if customer is active');
    checkCodeFree(store, input.code ?? '', undefined);
    if (hasPassword) checkEmailFree(store, billing.email, undefined);
    const customer: Open2bCustomer = {
      id: store.newId(),
      code: input.code ?? '',
      canLogin,
      hasPassword,
      encryptedPassword: hasPassword ? await encrypt(input.password) : null,
      creationTime,
      loginTime: input.loginTime ?? null,
      updateTime: time,
      group,
      wishList: input.wishList ?? [],
      cart: null,
      invoiceRecipient: input.invoiceRecipient ?? '',
      fullName: fullNameOf(billing),
      billingAddress: billing,
      shippingAddress: input.shippingAddress ? shippingFrom(input.shippingAddress) : null,
    };
    store.put(customer);
    return { id: customer.id };
  },

  async update(body, { store, now }) {
    const current = store.customers.get(body.id);
    if (!current) throw new Open2bError('id', 'NotFound', `Customer '${body.id}' does not exist`);
    const input = body.customer as Body;
    const time = now();
    const next: Open2bCustomer = structuredClone(current);
    if (input.billingAddress) {
      next.billingAddress = billingFrom(input.billingAddress);
      checkEmail(next.billingAddress.email);
    }
    if (input.shippingAddress !== undefined) {
      next.shippingAddress = input.shippingAddress === null ? null : shippingFrom(input.shippingAddress);
    }
    if (input.invoiceRecipient !== undefined) {
      checkInvoiceRecipient(input.invoiceRecipient);
      next.invoiceRecipient = input.invoiceRecipient;
    }
    if (input.creationTime !== undefined) next.creationTime = input.creationTime;
    if (input.loginTime !== undefined) next.loginTime = input.loginTime;
    if (input.creationTime !== undefined || input.loginTime !== undefined)
      checkTimes(next.creationTime, next.loginTime, time);
    if (input.group !== undefined) {
      if (!store.groups.has(input.group))
        throw new Open2bError('group', 'NotFound', `Customer group ${input.group} does not exist`);
      next.group = input.group;
    }
    if (input.cart !== undefined) {
      if (input.cart !== null) throw new Open2bError('cart', 'NotFound', `Cart ${input.cart} does not exist`);
      next.cart = null;
    }
    if (input.wishList !== undefined) next.wishList = input.wishList;
    if (input.password !== undefined) {
      next.hasPassword = input.password !== null;
      next.encryptedPassword = input.password === null ? null : await encrypt(input.password);
    }
    if (input.canLogin !== undefined) next.canLogin = input.canLogin;
    if (next.canLogin && !next.hasPassword)
      throw new Open2bError('canLogin', 'InvalidValue', 'canLogin can be true only if password is defined');
    if (input.code !== undefined) {
      checkCodeFree(store, input.code, current.id);
      next.code = input.code;
    }
    if (next.hasPassword) checkEmailFree(store, next.billingAddress.email, current.id);
    next.updateTime = time;
    store.put(next);
    return {};
  },

  async delete(body, { store }) {
    for (const id of body.ids as number[]) {
      store.customers.delete(id);
      store.labels.delete(id);
    }
    return {};
  },
};
