import { recordBackdoorReads } from '../shared/customer-records.js';
import { createFaults } from '../shared/faults.js';
import { inProcessFetch } from '../shared/runtime.js';
import type { Emulator, EmulatorOptions } from '../shared/types.js';
import {
  createSfccApp,
  quotaExceeded,
  SFCC_CUSTOMER_LIST_ID,
  SFCC_DATA_PATH,
  SFCC_OAUTH_PATH,
  SFCC_SHOP_PATH,
} from './app.js';
import { oauthError, TokenIssuer } from './auth.js';
import { demoCustomers, type SfccCustomerSeed } from './seed.js';
import type { HookFailure } from './shop.js';
import { type OcapiAddress, type OcapiCustomer, SfccStore, sortedAddresses } from './store.js';
import { faultResponse, faultOf, FAULT, ocapiNow } from './wire.js';

export type { OcapiAddress, OcapiCustomer } from './store.js';
export type { SfccCustomerSeed } from './seed.js';
export type { HookFailure } from './shop.js';
export { SFCC_CUSTOMER_LIST_ID, SFCC_DATA_PATH, SFCC_OAUTH_PATH, SFCC_SHOP_PATH, SFCC_SITE } from './app.js';

/** Account Manager's path prefix (`/dwsso/`): a fault there answers as Account Manager does. */
const ACCOUNT_MANAGER = SFCC_OAUTH_PATH.slice(0, SFCC_OAUTH_PATH.indexOf('/', 1) + 1);

/** API client the emulator knows (what connectionEnv hands the adapter). */
export const SFCC_EMULATOR_CLIENT = { id: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', secret: 'sfcc-emulator-client-secret' };

export interface SfccBackdoor {
  /** Stores customers as given (OCAPI shapes); answers what was stored. */
  seed(customers: SfccCustomerSeed[]): OcapiCustomer[];
  /** A customer exactly as stored (OCAPI `customer` fields incl. `c_*`), by customer_id or login. */
  readCustomer(idOrLogin: string): OcapiCustomer | undefined;
  /** The customer's address book as stored, preferred first then by name. */
  readAddresses(customerId: string): OcapiAddress[];
  /** The stored password (plain text: emulator only), to check what a password change wrote. */
  readPassword(customerId: string): string | undefined;
  /** Every stored customer. */
  readAll(): OcapiCustomer[];
  /** Deletes a customer as Business Manager would (the Shop API cannot); false when there was none. */
  removeCustomer(customerId: string): boolean;
  /** The next matching write is refused by a customization hook (HookStatusException). */
  failHook(failure: HookFailure): void;
  /** Every Account Manager token issued so far expires now (next call: 401 ExpiredTokenException). */
  expireAccessTokens(): void;
  /** How many Account Manager tokens were issued (token caching tests). */
  readonly accessTokensIssued: number;
  /** Lifetime of new Account Manager tokens, seconds (default 1799). */
  setAccessTokenLifetime(seconds: number): void;
  reset(): void;
}

/**
 * An emulator of the OCAPI surface the sfcc adapter uses: the Shop API 20.4 customers resource,
 * Account Manager's client-credentials token endpoint and the Data API customer search, one Hono
 * app under one origin. OCAPI fault documents, ETags/If-Match, shopper JWTs, hook refusals and
 * the shared fault injection (latency, 5xx, 429, dropped connections).
 */
export function createSfccEmulator(options: EmulatorOptions = {}): Emulator<SfccBackdoor> {
  const store = new SfccStore();
  const issuer = new TokenIssuer([SFCC_EMULATOR_CLIENT]);
  const hooks: HookFailure[] = [];
  const faults = createFaults(
    {
      error: (_c, status) =>
        status === 503
          ? faultResponse('unavailable', 'The service is temporarily unavailable.')
          : faultOf(
              status,
              status >= 500 ? FAULT.internal[0] : 'ClientException',
              'An error occurred while processing the request.',
            ),
      rateLimited: (_c, seconds) => quotaExceeded(seconds),
      // Account Manager refuses the client; OCAPI refuses its token (the adapter then asks AM again).
      unauthorized: (c) =>
        c.req.path.startsWith(ACCOUNT_MANAGER)
          ? oauthError(401, 'invalid_client', 'Client authentication failed')
          : faultResponse('invalidToken', 'The access token was revoked.'),
      // What OCAPI answers a client whose OCAPI settings lack the resource.
      forbidden: (c) =>
        faultResponse(
          'clientForbidden',
          `Access to resource '${c.req.method} ${c.req.path}' is not allowed for this client.`,
          {
            clientId: c.req.header('x-dw-client-id') ?? '',
          },
        ),
    },
    options.faults,
  );

  const { app, limiter } = createSfccApp({
    store,
    issuer,
    hooks,
    faults: faults.middleware,
    rateLimit: options.rateLimit,
  });

  const seed = (entries: SfccCustomerSeed[]): OcapiCustomer[] =>
    entries.map((entry) => {
      const record = store.insert(structuredClone(entry.customer), entry.password);
      for (const address of entry.addresses ?? []) {
        const now = ocapiNow();
        record.addresses.set(address.address_id, {
          preferred: false,
          creation_date: now,
          last_modified: now,
          ...structuredClone(address),
        });
      }
      return structuredClone(record.customer);
    });
  const reset = () => {
    store.clear();
    hooks.length = 0;
    faults.controller.restore();
    issuer.accessTokenSeconds = 1799;
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
      ...recordBackdoorReads(store, (record) => structuredClone(record.customer), sortedAddresses),
      removeCustomer: (customerId) => store.records.delete(customerId),
      failHook: (failure) => void hooks.push(failure),
      expireAccessTokens: () => issuer.expireAccessTokens(),
      get accessTokensIssued() {
        return issuer.issuedAccessTokens;
      },
      setAccessTokenLifetime: (seconds) => {
        issuer.accessTokenSeconds = seconds;
      },
      reset,
    },
    connectionEnv: (origin) => ({
      SFCC_BASE_URL: `${origin}${SFCC_SHOP_PATH}`,
      SFCC_CLIENT_ID: SFCC_EMULATOR_CLIENT.id,
      SFCC_CLIENT_SECRET: SFCC_EMULATOR_CLIENT.secret,
      SFCC_OAUTH_URL: `${origin}${SFCC_OAUTH_PATH}`,
      SFCC_DATA_BASE_URL: `${origin}${SFCC_DATA_PATH}`,
      SFCC_CUSTOMER_LIST: SFCC_CUSTOMER_LIST_ID,
    }),
  };
}
