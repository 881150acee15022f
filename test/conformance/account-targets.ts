import { createMemoryAdapter, memoryStore } from '../../adapters/memory/index.js';
import { hashPassword } from '../../adapters/memory/store.js';
import type { CustomerAdapter } from '../../adapters/types.js';
import { createOpen2bEmulator } from '../../emulators/open2b/index.js';
import { createScapiEmulator } from '../../emulators/scapi/index.js';
import { createScayleEmulator } from '../../emulators/scayle/index.js';
import { serveOnLoopback } from '../../emulators/shared/runtime.js';
import type { Emulator } from '../../emulators/shared/types.js';
import { createSfccEmulator } from '../../emulators/sfcc/index.js';

/**
 * What the account suite reads and arranges on the platform itself, through its emulator's test
 * backdoor (never through the gateway it checks).
 */
export interface AccountProbe {
  /** Every customer the platform holds: id → everything stored about it (vendor shape, as JSON). */
  snapshot(): Promise<Map<string, string>>;
  /** Whether `password` is the customer's password on the platform now. */
  passwordIs(id: string, password: string): Promise<boolean>;
  /** A profile field value the canonical schema lets through and this platform cannot store. Absent: it stores every one. */
  refusedProfile?: Record<string, unknown>;
  /** A password the canonical schema lets through and this platform refuses. Absent: it takes every one. */
  refusedPassword?: string;
  /** Stores a guest (what a checkout without registration leaves) with one address; answers its id. Absent: the platform keeps no guest records. */
  seedGuest?(email: string, lastName: string): Promise<string>;
  /** Gives the customer orders that are not closed yet. Absent: the platform does not refuse erasure for them. */
  holdOpenOrders?(id: string): void;
  /** What the platform still keeps of an erased customer (SCAYLE: the anonymised record until it deletes it for good). */
  keptAfterErasure(id: string): Promise<unknown>;
}

export interface AccountTarget {
  backend: string;
  setup(): Promise<{
    env: Record<string, string>;
    probe: AccountProbe;
    /** Serves this backend instead of the one the env configures (the memory backend's store is its backdoor). */
    adapter?: CustomerAdapter;
    teardown?: () => Promise<void>;
  }>;
}

const json = (value: unknown) => JSON.stringify(value);

/** A platform emulator served over HTTP on loopback, with the probe over its backdoor. */
function loopback<B>(backend: string, create: () => Emulator<B>, probe: (backdoor: B) => AccountProbe): AccountTarget {
  return {
    backend,
    async setup() {
      const emulator = create();
      const server = await serveOnLoopback(emulator.app);
      return {
        env: { BACKENDS: backend, ...emulator.connectionEnv(server.origin) },
        probe: probe(emulator.backdoor),
        teardown: () => server.close(),
      };
    },
  };
}

export const memoryAccounts: AccountTarget = {
  backend: 'memory',
  async setup() {
    const adapter = createMemoryAdapter({ seed: true });
    const records = memoryStore(adapter).records;
    return {
      env: { BACKENDS: 'memory' },
      adapter,
      probe: {
        snapshot: async () => new Map([...records].map(([id, r]) => [id, json([r.customer, [...r.addresses]])])),
        passwordIs: async (id, password) => records.get(id)?.passwordHash === (await hashPassword(password)),
        async seedGuest(email, lastName) {
          const created = await adapter.createCustomer(
            {
              email,
              lastName,
              active: false,
              addresses: [
                {
                  lastName,
                  line1: 'Gastweg 1',
                  city: 'Berlin',
                  postalCode: '10115',
                  countryCode: 'DE',
                  isDefaultBilling: true,
                  isDefaultShipping: true,
                },
              ],
            },
            { requestId: 'seed', signal: new AbortController().signal, log: silent, setResponseHeader() {} },
          );
          records.get(created.value.id)!.customer.status = { active: false, guest: true };
          return created.value.id;
        },
        holdOpenOrders: (id) => void (records.get(id)!.openOrders = 1),
        keptAfterErasure: async (id) => records.get(id),
      },
    };
  },
};

export const sfccAccounts = loopback(
  'sfcc',
  () => createSfccEmulator(),
  (b) => ({
    snapshot: async () => new Map(b.readAll().map((c) => [c.customer_id, json([c, b.readAddresses(c.customer_id)])])),
    passwordIs: async (id, password) => b.readPassword(id) === password,
    // The site's putPassword policy: at least 8 characters.
    refusedPassword: 'Sh0rt!x',
    keptAfterErasure: async (id) => b.readCustomer(id),
  }),
);

export const scapiAccounts = loopback(
  'scapi',
  () => createScapiEmulator(),
  (b) => ({
    snapshot: async () =>
      new Map(b.readAll().map((c) => [String(c.customerNo), json([c, b.readAddresses(String(c.customerNo))])])),
    passwordIs: async (id, password) => b.readPassword(id) === password,
    refusedPassword: 'Sh0rt!x',
    keptAfterErasure: async (id) => b.readCustomer(id),
  }),
);

export const scayleAccounts = loopback(
  'scayle',
  () => createScayleEmulator(),
  (b) => ({
    snapshot: async () => new Map(b.readAll().map((c) => [String(c.id), json([c, b.readCredential(c.id)])])),
    passwordIs: async (id, password) => b.checkPassword(Number(id), password),
    refusedProfile: { salutation: 'Frau' },
    refusedPassword: 'Sh0rt!x',
    async seedGuest(email, lastName) {
      const [guest] = b.seed([
        {
          email,
          lastName,
          status: { isActive: true, isGuestCustomer: true },
          addresses: [{ street: 'Gastweg', houseNumber: '1', zipCode: '10115', city: 'Berlin', countryCode: 'DEU' }],
        },
      ]);
      return String(guest!.id);
    },
    holdOpenOrders: (id) => b.setOngoingOrders(Number(id), 1),
    keptAfterErasure: async (id) => b.readCustomer(Number(id)) ?? b.readDeleted(Number(id)),
  }),
);

export const open2bAccounts = loopback(
  'open2b',
  () => createOpen2bEmulator(),
  (b) => ({
    snapshot: async () => new Map((await b.readAll()).map((c) => [String(c.id), json(c)])),
    passwordIs: (id, password) => b.checkPassword(Number(id), password),
    refusedProfile: { salutation: 'Frau' },
    refusedPassword: 'Sh0rt',
    async seedGuest(email, lastName) {
      const [guest] = await b.seed([
        {
          canLogin: false,
          billingAddress: {
            email,
            firstName: 'Erika',
            lastName,
            street1: 'Gastweg 1',
            city: 'Berlin',
            postalCode: '10115',
            country: 'DE',
          },
        },
      ]);
      return String(guest!.id);
    },
    keptAfterErasure: async (id) => b.readCustomer(Number(id)),
  }),
);

const silent = { debug() {}, info() {}, warn() {}, error() {}, child: () => silent };
