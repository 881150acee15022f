import { createFaults } from '../shared/faults.js';
import { inProcessFetch } from '../shared/runtime.js';
import type { Emulator, EmulatorOptions } from '../shared/types.js';
import { API_PREFIX, createScayleApp } from './app.js';
import { demoCustomers, type ScayleCustomerSeed } from './seed.js';
import {
  fingerprint,
  scayleNow,
  ScayleStore,
  type ScayleAddress,
  type ScayleCustomer,
  type StoredCredential,
} from './store.js';
import { ERROR_KEYS, errorResponse, rateLimitedResponse, scayleError, scopeOf } from './wire.js';

export type { ScayleAddress, ScayleCustomer, StoredCredential } from './store.js';
export type { ScayleCustomerSeed } from './seed.js';
export { CURSOR_PARAM } from './app.js';

/** Credentials and shop the emulator accepts (what connectionEnv hands the adapter). */
export const SCAYLE_EMULATOR_TOKEN = 'scayle-emulator-access-token';
export const SCAYLE_EMULATOR_SHOP_KEY = 'demo';
export const SCAYLE_EMULATOR_COUNTRY_CODE = 'DE';

export interface ScayleBackdoor {
  /** Stores customers as given (SCAYLE shapes), filling in ids and defaults; answers what was stored. */
  seed(customers: ScayleCustomerSeed[]): ScayleCustomer[];
  /** A customer exactly as stored, with addresses and legacy custom data; by id or email. */
  readCustomer(idOrEmail: number | string): ScayleCustomer | undefined;
  /** Every stored customer, by id. */
  readAll(): ScayleCustomer[];
  /** What SCAYLE keeps about a customer's password (hashing type and hash), never returned on the wire. */
  readCredential(id: number): StoredCredential | undefined;
  /** Whether `password` is the customer's password (set via PUT password). */
  checkPassword(id: number, password: string): boolean;
  /** A customer a DELETE anonymised, as SCAYLE keeps it until it deletes it for good. */
  readDeleted(id: number): ScayleCustomer | undefined;
  /** Gives the customer ongoing orders (0: none): SCAYLE then refuses to anonymise or delete it. */
  setOngoingOrders(id: number, count: number): void;
  /** Back to the initial state: the demo data when seeded, else empty; rate-limit windows restart. */
  reset(): void;
}

/**
 * An emulator of the SCAYLE Admin API customers surface
 * (`/api/admin/v1/shops/{shopKey}/countries/{countryCode}/customers…`): X-Access-Token auth,
 * numeric or `key=` identifiers, cursor lists, SCAYLE's error bodies and per-scope rate limits
 * (only when `options.rateLimit` is set).
 */
export function createScayleEmulator(options: EmulatorOptions = {}): Emulator<ScayleBackdoor> {
  const store = new ScayleStore();
  const faults = createFaults(
    {
      error: (_c, status) =>
        errorResponse(status, [
          scayleError(
            status === 503 ? ERROR_KEYS.unavailable : ERROR_KEYS.internal,
            status === 503 ? 'Service unavailable.' : 'Internal server error.',
          ),
        ]),
      unauthorized: () =>
        errorResponse(401, [scayleError(ERROR_KEYS.unauthorized, 'Missing or invalid access token.')]),
      forbidden: () => errorResponse(403, [scayleError('FORBIDDEN', 'The access token may not use this resource.')]),
      rateLimited: (c, seconds) => rateLimitedResponse(scopeOf(c.req.method), options.rateLimit?.limit ?? 300, seconds),
    },
    options.faults,
  );
  const { app, limiter } = createScayleApp({
    store,
    accessToken: SCAYLE_EMULATOR_TOKEN,
    shopKey: SCAYLE_EMULATOR_SHOP_KEY,
    faults: faults.middleware,
    rateLimit: options.rateLimit,
  });

  const seed = (entries: ScayleCustomerSeed[]): ScayleCustomer[] => {
    const stored: ScayleCustomer[] = [];
    for (const entry of entries) {
      const { password, addresses, ...fields } = entry;
      const now = scayleNow();
      const customer: ScayleCustomer = {
        referenceKey: null,
        firstName: null,
        lastName: null,
        gender: null,
        birthDate: null,
        phone: null,
        publicKey: null,
        title: null,
        type: 'personal',
        groups: [],
        identities: [],
        status: { isActive: true, isGuestCustomer: false },
        company: null,
        legacyCustomData: {},
        hasPassword: password !== undefined,
        createdAt: now,
        updatedAt: now,
        ...structuredClone(fields),
        id: fields.id ?? store.newCustomerId(),
        addresses: [],
      };
      customer.addresses = (addresses ?? []).map(
        (a): ScayleAddress => ({
          referenceKey: null,
          houseNumber: null,
          additional: null,
          state: null,
          phone: null,
          type: 'shipping',
          isDefault: { billing: false, shipping: false },
          recipient: null,
          collectionPoint: null,
          ...structuredClone(a),
          id: a.id ?? store.newAddressId(),
        }),
      );
      store.customers.set(customer.id, customer);
      store.noteIds(customer);
      if (password !== undefined)
        store.credentials.set(customer.id, {
          hashingType: 'internal',
          hash: fingerprint(password),
          source: 'password',
        });
      stored.push(structuredClone(customer));
    }
    return stored;
  };

  const initial = () => {
    store.clear();
    faults.controller.restore();
    limiter?.reset();
    if (options.seed !== false) seed(demoCustomers);
  };
  initial();

  const backdoor: ScayleBackdoor = {
    seed,
    readCustomer(idOrEmail) {
      const found = typeof idOrEmail === 'number' ? store.customers.get(idOrEmail) : store.byEmail(idOrEmail);
      return found && structuredClone(found);
    },
    readAll: () => [...store.customers.values()].map((c) => structuredClone(c)),
    readCredential: (id) => {
      const credential = store.credentials.get(id);
      return credential && { ...credential };
    },
    checkPassword(id, password) {
      const credential = store.credentials.get(id);
      return credential?.source === 'password' && credential.hash === fingerprint(password);
    },
    readDeleted: (id) => {
      const found = store.deletionQueue.get(id);
      return found && structuredClone(found);
    },
    setOngoingOrders: (id, count) => void store.ongoingOrders.set(id, count),
    reset: initial,
  };

  return {
    app,
    fetch: inProcessFetch(app),
    faults: faults.controller,
    backdoor,
    connectionEnv: (origin) => ({
      SCAYLE_BASE_URL: `${origin.replace(/\/+$/, '')}${API_PREFIX}`,
      SCAYLE_ACCESS_TOKEN: SCAYLE_EMULATOR_TOKEN,
      SCAYLE_SHOP_KEY: SCAYLE_EMULATOR_SHOP_KEY,
      SCAYLE_COUNTRY_CODE: SCAYLE_EMULATOR_COUNTRY_CODE,
    }),
  };
}
