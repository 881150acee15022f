import type {
  Address,
  AddressCreate,
  AddressPatch,
  Customer,
  CustomerCreate,
  CustomerPatch,
} from '../../schemas/index.js';
import { ConfigError, GatewayError, wrongCurrentPassword } from '../errors.js';
import { defaultsFirst, describeRef, offsetPage } from '../support.js';
import type {
  AdapterPage,
  BackendDefinition,
  Capabilities,
  CompleteAdapter,
  CustomerAdapter,
  CustomerRef,
  PageRequest,
} from '../types.js';
import { demoCustomers } from './demo.js';
import { memoryAccounts } from './accounts.js';
import { memoryShopperLogin } from './login.js';
import { hashPassword, type MemoryRecord, MemoryStore } from './store.js';

const capabilities: Capabilities = {
  listCustomers: true,
  totalCount: true,
  etag: true,
  customerDelete: true,
  addressDelete: true,
  addressRename: true,
  externalRefLookup: true,
  passwordChange: true,
  shopperLogin: true,
  guestConversion: true,
  erasure: true,
  listByUpdatedSince: true,
};

const BACKEND = 'memory';
const stores = new WeakMap<CustomerAdapter, MemoryStore>();

/** Test backdoor: the store behind a memory adapter, to check what was really written. */
export function memoryStore(adapter: CustomerAdapter): MemoryStore {
  const store = stores.get(adapter);
  if (!store) throw new Error('not a memory adapter');
  return store;
}

/** PATCH semantics of the canonical API: absent = unchanged, `null` = cleared. */
function applyPatch(current: object, patch: Record<string, unknown>): Record<string, unknown> {
  const next: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete next[key];
    else if (value !== undefined) next[key] = structuredClone(value);
  }
  return next;
}

export interface MemoryOptions {
  seed: boolean;
}

/**
 * The reference adapter: the whole contract over an in-process store, with native ETags,
 * offset paging and real conflicts. Every other adapter should behave like this one.
 */
export function createMemoryAdapter(options: MemoryOptions = { seed: false }): CompleteAdapter {
  const store = new MemoryStore();
  const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const etagOf = (r: MemoryRecord) => `"${r.customer.id}-${r.version}"`;
  const addressEtag = (r: MemoryRecord, a: Address) =>
    `"${r.customer.id}-${a.id}-${r.addressRevisions.get(a.id) ?? 0}"`;
  const touchAddress = (r: MemoryRecord, id: string) => r.addressRevisions.set(id, store.nextRevision());

  const find = (ref: CustomerRef): MemoryRecord => {
    const record = ref.kind === 'id' ? store.records.get(ref.id) : store.byExternalRef(ref.externalRef);
    if (!record) throw new GatewayError('not_found', `customer ${describeRef(ref)} does not exist`);
    return record;
  };
  const findAddress = (record: MemoryRecord, addressId: string): Address => {
    const address = record.addresses.get(addressId);
    if (!address)
      throw new GatewayError('not_found', `address ${addressId} of customer ${record.customer.id} does not exist`);
    return address;
  };
  const checkIfMatch = (current: string, ifMatch?: string) => {
    if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== current) {
      throw new GatewayError('precondition_failed', `If-Match ${ifMatch} does not match the current ETag ${current}`);
    }
  };
  const assertUnique = (email: string | undefined, externalRef: string | undefined | null, self?: MemoryRecord) => {
    const sameEmail = email ? store.byEmail(email) : undefined;
    if (sameEmail && sameEmail !== self)
      throw new GatewayError('conflict', `a customer with email ${email} already exists`, {
        errors: [{ path: 'email', message: 'already used' }],
      });
    const sameRef = externalRef ? store.byExternalRef(externalRef) : undefined;
    if (sameRef && sameRef !== self)
      throw new GatewayError('conflict', `a customer with externalRef ${externalRef} already exists`, {
        errors: [{ path: 'externalRef', message: 'already used' }],
      });
  };
  /** Only one default billing and one default shipping address per customer. */
  const settleDefaults = (record: MemoryRecord, address: Address) => {
    for (const other of record.addresses.values()) {
      if (other.id === address.id) continue;
      const before = `${other.isDefaultBilling}${other.isDefaultShipping}`;
      if (address.isDefaultBilling) other.isDefaultBilling = false;
      if (address.isDefaultShipping) other.isDefaultShipping = false;
      if (`${other.isDefaultBilling}${other.isDefaultShipping}` !== before) touchAddress(record, other.id);
    }
  };
  const page = <T>(all: T[], req: PageRequest): AdapterPage<T> => offsetPage(all, req.limit, req.position, BACKEND);
  // Same order as OCAPI: defaults first, then by id, so pages are stable across backends.
  const addressesOf = (r: MemoryRecord): Address[] =>
    defaultsFirst([...r.addresses.values()].sort((a, b) => a.id.localeCompare(b.id)));
  const view = (r: MemoryRecord, withAddresses: boolean): Customer => ({
    ...structuredClone(r.customer),
    ...(withAddresses ? { addresses: addressesOf(r).map((a) => structuredClone(a)) } : {}),
  });
  const toAddress = (input: AddressCreate, id: string): Address => ({
    ...structuredClone(input),
    id,
    createdAt: now(),
    updatedAt: now(),
  });
  const addAddress = (record: MemoryRecord, input: AddressCreate): Address => {
    const id = input.id ?? `address-${record.addresses.size + 1}-${crypto.randomUUID().slice(0, 8)}`;
    if (record.addresses.has(id))
      throw new GatewayError('conflict', `customer ${record.customer.id} already has an address ${id}`, {
        errors: [{ path: 'id', message: 'already used' }],
      });
    const address = toAddress(input, id);
    record.addresses.set(id, address);
    touchAddress(record, id);
    settleDefaults(record, address);
    record.version++;
    return address;
  };

  /** Synchronous so seeding needs no await; checks everything before storing anything. */
  const insertCustomer = (input: CustomerCreate, passwordHash: string | undefined): MemoryRecord => {
    assertUnique(input.email, input.externalRef);
    const { password: _password, addresses, active, ...fields } = input;
    const ids = (addresses ?? []).map((a) => a.id).filter(Boolean);
    if (new Set(ids).size !== ids.length)
      throw new GatewayError('conflict', 'two addresses share an id', {
        errors: [{ path: 'addresses', message: 'address ids must be unique' }],
      });
    const id = store.newId();
    const record: MemoryRecord = {
      customer: {
        ...structuredClone(fields),
        id,
        status: { active, guest: false },
        hasPassword: passwordHash !== undefined,
        createdAt: now(),
        updatedAt: now(),
      },
      addresses: new Map(),
      passwordHash,
      version: 1,
      addressRevisions: new Map(),
    };
    store.records.set(id, record);
    for (const address of addresses ?? []) addAddress(record, address);
    return record;
  };

  const adapter: CompleteAdapter = {
    backend: BACKEND,
    capabilities,
    authenticateShopper: memoryShopperLogin(store),
    ...memoryAccounts(store, find, now),

    async listCustomers(query) {
      const since = query.updatedSince ? Date.parse(query.updatedSince) : undefined;
      const all = [...store.records.values()]
        .filter((r) => !query.email || r.customer.email.toLowerCase() === query.email.toLowerCase())
        .filter((r) => !query.externalRef || r.customer.externalRef === query.externalRef)
        .filter((r) => since === undefined || Date.parse(r.customer.updatedAt ?? '') >= since)
        .map((r) => view(r, false));
      return page(all, query);
    },

    async getCustomer(ref, { expandAddresses }) {
      const record = find(ref);
      return { value: view(record, expandAddresses), etag: etagOf(record) };
    },

    async createCustomer(input: CustomerCreate) {
      const record = insertCustomer(
        input,
        input.password === undefined ? undefined : await hashPassword(input.password),
      );
      return { value: view(record, true), etag: etagOf(record) };
    },

    async updateCustomer(ref, patch: CustomerPatch, { ifMatch }) {
      const record = find(ref);
      checkIfMatch(etagOf(record), ifMatch);
      assertUnique(patch.email, patch.externalRef, record);
      const { active, ...fields } = patch;
      const next = applyPatch(record.customer, fields);
      record.customer = {
        ...(next as MemoryRecord['customer']),
        status: { ...record.customer.status, active: active ?? record.customer.status.active },
        updatedAt: now(),
      };
      record.version++;
      return { value: view(record, false), etag: etagOf(record) };
    },

    async deleteCustomer(ref) {
      store.records.delete(find(ref).customer.id);
    },

    async setPassword(ref, change) {
      const record = find(ref);
      if (
        change.currentPassword !== undefined &&
        record.passwordHash !== (await hashPassword(change.currentPassword))
      ) {
        throw wrongCurrentPassword('currentPassword is wrong');
      }
      record.passwordHash = await hashPassword(change.password);
      record.customer.hasPassword = true;
      record.version++;
    },

    async listAddresses(ref, req) {
      const record = find(ref);
      return page(
        addressesOf(record).map((a) => structuredClone(a)),
        req,
      );
    },

    async getAddress(ref, addressId) {
      const record = find(ref);
      const address = findAddress(record, addressId);
      return { value: structuredClone(address), etag: addressEtag(record, address) };
    },

    async createAddress(ref, input) {
      const record = find(ref);
      const address = addAddress(record, input);
      return { value: structuredClone(address), etag: addressEtag(record, address) };
    },

    async updateAddress(ref, addressId, patch: AddressPatch, { ifMatch }) {
      const record = find(ref);
      const current = findAddress(record, addressId);
      checkIfMatch(addressEtag(record, current), ifMatch);
      const { id: newId, ...fields } = patch;
      if (newId && newId !== addressId && record.addresses.has(newId)) {
        throw new GatewayError('conflict', `customer ${record.customer.id} already has an address ${newId}`, {
          errors: [{ path: 'id', message: 'already used' }],
        });
      }
      const next = applyPatch(current, fields);
      const updated = { ...(next as Address), id: newId ?? addressId, updatedAt: now() };
      record.addresses.delete(addressId);
      record.addressRevisions.delete(addressId);
      record.addresses.set(updated.id, updated);
      touchAddress(record, updated.id);
      settleDefaults(record, updated);
      record.version++;
      return { value: structuredClone(updated), etag: addressEtag(record, updated) };
    },

    async deleteAddress(ref, addressId) {
      const record = find(ref);
      findAddress(record, addressId);
      record.addresses.delete(addressId);
      record.addressRevisions.delete(addressId);
      record.version++;
    },
  };

  stores.set(adapter, store);
  if (options.seed) for (const customer of demoCustomers) insertCustomer(customer, undefined);
  return adapter;
}

export const memoryBackend: BackendDefinition<MemoryOptions> = {
  name: BACKEND,
  parseOptions: (env) => {
    const seed = env.MEMORY_SEED ?? 'true';
    // A typo ("no", "0") would serve the demo customers to someone who asked for an empty store.
    if (seed !== 'true' && seed !== 'false') throw new ConfigError('MEMORY_SEED', 'must be true or false');
    return { seed: seed === 'true' };
  },
  variables: ['MEMORY_SEED'],
  create: (options) => createMemoryAdapter(options),
};
