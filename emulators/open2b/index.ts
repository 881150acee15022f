import { createFaults } from '../shared/faults.js';
import { inProcessFetch } from '../shared/runtime.js';
import type { Emulator, EmulatorOptions } from '../shared/types.js';
import { API_PREFIX, createOpen2bApp, rateLimitedResponse } from './app.js';
import { demoCustomers, type Open2bCustomerSeed } from './seed.js';
import {
  emptyBilling,
  encryptPassword,
  fullNameOf,
  Open2bStore,
  passwordMatches,
  shopTime,
  type Open2bCustomer,
} from './store.js';
import { errorBody, Open2bError, plainResponse } from './wire.js';

export type { Open2bBillingAddress, Open2bCustomer, Open2bShippingAddress } from './store.js';
export type { Open2bCustomerSeed } from './seed.js';
export { API_PREFIX } from './app.js';

/** Open2b's documented budget, for tests that want the real numbers: `rateLimit: OPEN2B_RATE_LIMIT`. */
export const OPEN2B_RATE_LIMIT = { limit: 1000, windowSeconds: 300 };
/** Credentials the emulator accepts (what connectionEnv hands the adapter). */
export const OPEN2B_EMULATOR_KEY = 'open2b-emulator-api-key';
export const OPEN2B_EMULATOR_KEY_HEADER = 'X-Key';
export const OPEN2B_EMULATOR_TIMEZONE = 'Europe/Rome';

export interface Open2bEmulatorOptions extends EmulatorOptions {
  /** The shop's time zone: creationTime/updateTime/loginTime are written in it. */
  timezone?: string;
  /** The key header's name (Open2b's docs say X-Key in one place, X-Secret-Key in another). */
  keyHeader?: string;
  apiKey?: string;
  /** The emulator's clock (tests pin it, e.g. around a DST switch). */
  now?: () => Date;
}

export interface Open2bBackdoor {
  /** Stores customers in Open2b's shape (plain passwords get encrypted); answers the stored records. */
  seed(customers: Open2bCustomerSeed[]): Promise<Open2bCustomer[]>;
  /** A customer exactly as stored, encryptedPassword included; undefined when there is none. */
  readCustomer(id: number): Promise<Open2bCustomer | undefined>;
  /** Every stored customer, by id. */
  readAll(): Promise<Open2bCustomer[]>;
  /** Whether `password` is the stored customer's password. */
  checkPassword(id: number, password: string): Promise<boolean>;
  /** Customer groups that exist (group must name one). */
  readonly groups: Set<number>;
  /** Back to the initial state (the demo data when seeded, else empty); the rate-limit window restarts. */
  reset(): void;
}

/**
 * An emulator of Open2b's `commerce.customers.*` API v6: `POST /api/v6/{method}` with a JSON body
 * and a key header, HTTP-200 error documents, plain-text refusals, shop-local datetimes, passwords
 * kept encrypted, and the 1000-calls-per-5-minutes limit when `options.rateLimit` is set.
 */
export function createOpen2bEmulator(options: Open2bEmulatorOptions = {}): Emulator<Open2bBackdoor> {
  const timezone = options.timezone ?? OPEN2B_EMULATOR_TIMEZONE;
  const keyHeader = options.keyHeader ?? OPEN2B_EMULATOR_KEY_HEADER;
  const apiKey = options.apiKey ?? OPEN2B_EMULATOR_KEY;
  const clock = options.now ?? (() => new Date());
  const now = () => shopTime(clock(), timezone);
  const store = new Open2bStore();

  const seed = async (entries: Open2bCustomerSeed[]): Promise<Open2bCustomer[]> => {
    const stored: Open2bCustomer[] = [];
    for (const entry of entries) {
      const time = now();
      const billing = {
        ...emptyBilling(),
        street1: '-',
        city: '-',
        postalCode: '-',
        country: 'IT',
        ...entry.billingAddress,
      };
      const customer: Open2bCustomer = {
        id: entry.id ?? store.newId(),
        code: entry.code ?? '',
        canLogin: entry.canLogin ?? entry.password !== undefined,
        hasPassword: entry.password !== undefined,
        encryptedPassword: entry.password === undefined ? null : await encryptPassword(entry.password),
        creationTime: entry.creationTime ?? time,
        loginTime: entry.loginTime ?? null,
        updateTime: entry.updateTime ?? entry.creationTime ?? time,
        group: entry.group ?? 1,
        wishList: [],
        cart: null,
        invoiceRecipient: '',
        fullName: fullNameOf(billing),
        billingAddress: billing,
        shippingAddress: entry.shippingAddress
          ? {
              street1: '-',
              street2: '',
              city: '-',
              postalCode: '-',
              stateProv: '',
              country: billing.country,
              ...entry.shippingAddress,
            }
          : null,
      };
      store.put(customer);
      if (entry.labels) store.labels.set(customer.id, entry.labels);
      stored.push(structuredClone(customer));
    }
    return stored;
  };

  // Demo passwords are encrypted with Web Crypto (async, works on Node and Workers): requests
  // and backdoor reads wait for it.
  let ready: Promise<unknown> = Promise.resolve();
  const initialise = () => {
    store.clear();
    ready = options.seed === false ? Promise.resolve() : seed(demoCustomers);
  };
  initialise();

  const faults = createFaults(
    {
      error: (_c, status) => plainResponse(status, status === 503 ? 'Service Unavailable' : 'Internal Server Error'),
      rateLimited: (_c, seconds) => rateLimitedResponse(seconds),
      // A missing or wrong key is a plain 403; a key without the permission is AccessDenied in a 200.
      unauthorized: () => plainResponse(403, 'Forbidden'),
      forbidden: () =>
        Response.json(errorBody(new Open2bError('', 'AccessDenied', 'The key may not call this method'))),
    },
    options.faults,
  );
  const { app, limiter } = createOpen2bApp({
    store,
    apiKey,
    keyHeader,
    faults: faults.middleware,
    now,
    rateLimit: options.rateLimit,
    ready: async () => void (await ready),
  });

  const backdoor: Open2bBackdoor = {
    async seed(customers) {
      await ready;
      return seed(customers);
    },
    async readCustomer(id) {
      await ready;
      const customer = store.customers.get(id);
      return customer && structuredClone(customer);
    },
    async readAll() {
      await ready;
      return [...store.customers.values()].map((c) => structuredClone(c));
    },
    async checkPassword(id, password) {
      await ready;
      return passwordMatches(store.customers.get(id)?.encryptedPassword ?? null, password);
    },
    groups: store.groups,
    reset() {
      initialise();
      faults.controller.restore();
      limiter?.reset();
    },
  };

  return {
    app,
    fetch: inProcessFetch(app),
    faults: faults.controller,
    backdoor,
    connectionEnv: (origin) => ({
      OPEN2B_BASE_URL: `${origin.replace(/\/+$/, '')}${API_PREFIX}`,
      OPEN2B_API_KEY: apiKey,
      OPEN2B_KEY_HEADER: keyHeader,
      OPEN2B_TIMEZONE: timezone,
    }),
  };
}
