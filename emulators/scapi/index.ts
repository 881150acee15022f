import { recordBackdoorReads } from '../shared/customer-records.js';
import { createFaults } from '../shared/faults.js';
import { inProcessFetch } from '../shared/runtime.js';
import type { Emulator, EmulatorOptions } from '../shared/types.js';
import type { ScapiRealm } from './admin.js';
import { createScapiApp, scapiFaultResponders } from './app.js';
import { Tokens } from './auth.js';
import { demoCustomers, type ScapiCustomerSeed } from './seed.js';
import { customerDocument, ScapiStore, sortedAddresses, type ScapiAddress } from './store.js';

export type { ScapiAddress, ScapiCustomer } from './store.js';
export type { ScapiCustomerSeed } from './seed.js';

/** The instance the emulator pretends to be (what connectionEnv hands the adapter). */
export const SCAPI_EMULATOR = {
  organizationId: 'f_ecom_zzxy_prd',
  tenant: 'zzxy_prd',
  siteId: 'RefArch',
  customerListId: 'RefArch',
  client: { id: 'c0ffee00-5ca1-4e00-a000-000000000001', secret: 'scapi-emulator-client-secret' },
  redirectUri: 'http://localhost:3000/callback',
  oauthPath: '/dwsso/oauth2/access_token',
} as const;

export interface ScapiBackdoor {
  /** Stores customers as given (Admin API shapes); answers them as the Admin API would. */
  seed(customers: ScapiCustomerSeed[]): Record<string, unknown>[];
  /** A customer as stored (Admin API `Customer`, `primaryAddress` expanded), by customerNo or login. */
  readCustomer(customerNoOrLogin: string): Record<string, unknown> | undefined;
  /** The customer's addresses as stored, with their ETags. */
  readAddresses(customerNo: string): ScapiAddress[];
  /** The stored password (plain text: emulator only). */
  readPassword(customerNo: string): string | undefined;
  /** Every stored customer. */
  readAll(): Record<string, unknown>[];
  /** Every Account Manager token issued so far expires now. */
  expireAccessTokens(): void;
  readonly accessTokensIssued: number;
  reset(): void;
}

/**
 * An emulator of the SCAPI surface the scapi adapter uses, on one origin: Account Manager
 * client-credentials tokens, Admin Customers (customer-search, customers, addresses), SLAS
 * (login with PKCE, token, refresh, logout for one private client) and Shopper Customers
 * (registration, the shopper's customer, password change and the reset actions). RFC 7807
 * problem documents, load-shedding headers, the shared fault injection and an optional rate limit.
 */
export function createScapiEmulator(options: EmulatorOptions = {}): Emulator<ScapiBackdoor> {
  const store = new ScapiStore();
  const tokens = new Tokens(SCAPI_EMULATOR.client, SCAPI_EMULATOR.tenant);
  const realm: ScapiRealm = {
    store,
    tokens,
    organizationId: SCAPI_EMULATOR.organizationId,
    customerListId: SCAPI_EMULATOR.customerListId,
    siteId: SCAPI_EMULATOR.siteId,
    redirectUri: SCAPI_EMULATOR.redirectUri,
  };
  const faults = createFaults(scapiFaultResponders, options.faults);
  const { app, limiter } = createScapiApp({ realm, faults: faults.middleware, rateLimit: options.rateLimit });

  const seed = (entries: ScapiCustomerSeed[]) =>
    entries.map((entry) => {
      const record = store.insert(structuredClone(entry.customer), entry.password);
      for (const address of entry.addresses ?? []) store.putAddress(record, structuredClone(address));
      // putAddress touched lastModified; a seed keeps the one it gives.
      if (typeof entry.customer.lastModified === 'string') record.customer.lastModified = entry.customer.lastModified;
      if (entry.primary) record.customer.primaryAddressId = entry.primary;
      return customerDocument(record);
    });
  const reset = () => {
    store.clear();
    faults.controller.restore();
    tokens.amTokenSeconds = 1799;
    limiter?.reset();
    if (options.seed !== false) seed(demoCustomers);
  };
  reset();

  return {
    app,
    fetch: inProcessFetch(app),
    faults: faults.controller,
    backdoor: {
      seed,
      ...recordBackdoorReads(store, customerDocument, sortedAddresses),
      expireAccessTokens: () => tokens.expireAmTokens(),
      get accessTokensIssued() {
        return tokens.amTokensIssued;
      },
      reset,
    },
    connectionEnv: (origin) => ({
      SCAPI_BASE_URL: origin,
      SCAPI_ORGANIZATION_ID: SCAPI_EMULATOR.organizationId,
      SCAPI_SITE_ID: SCAPI_EMULATOR.siteId,
      SCAPI_CUSTOMER_LIST: SCAPI_EMULATOR.customerListId,
      SCAPI_CLIENT_ID: SCAPI_EMULATOR.client.id,
      SCAPI_CLIENT_SECRET: SCAPI_EMULATOR.client.secret,
      SCAPI_OAUTH_URL: `${origin}${SCAPI_EMULATOR.oauthPath}`,
      SCAPI_REDIRECT_URI: SCAPI_EMULATOR.redirectUri,
    }),
  };
}
