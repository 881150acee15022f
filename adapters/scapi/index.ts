import type { Address } from '../../schemas/index.js';
import { GatewayError, isGatewayError, wrongCurrentPassword } from '../errors.js';
import { defaultsFirst, describeRef, namingMissingCustomer, offsetPage, withCreated } from '../support.js';
import type { UpstreamSchema } from '../../transport/upstream-client.js';
import type {
  AdapterDeps,
  BackendDefinition,
  CallContext,
  Capabilities,
  CompleteAdapter,
  CustomerRef,
  Versioned,
} from '../types.js';
import { createScapiClient, type ScapiCall } from './client.js';
import { BACKEND, type ErrorScope } from './errors.js';
import {
  fromScapiAddress,
  fromScapiCustomer,
  toScapiAddressCreate,
  toScapiAddressPatch,
  toScapiCustomerCreate,
  toScapiCustomerPatch,
  utf8Length,
} from './map.js';
import { parseScapiOptions, SCAPI_VARIABLES, type ScapiOptions } from './options.js';
import { ADDRESS_PAGE_MAX, customerPosition, customerTotal, nextCustomerPosition, searchLimit } from './paginate.js';
import { customerQuery, findByExternalRef, searchCustomers } from './search.js';
import { changePassword, registerCustomer, resetPassword, shopperCustomerNo, withShopperSession } from './shopper.js';
import {
  AddressResultSchema,
  ScapiAddressSchema,
  ScapiCustomerSchema,
  type ScapiAddress,
  type ScapiCustomer,
} from './upstream.js';
import { probeScapi } from './probe.js';

export type { ScapiOptions } from './options.js';

/**
 * Customers carry no ETag (the gateway derives one); addresses carry the spec's `etag`, which the
 * gateway answers as their ETag (marked when the address is the customer's default) and checks by
 * reading first (the Admin API takes no If-Match).
 * An address id names the address, and the Admin API has no rename.
 */
const capabilities: Capabilities = {
  listCustomers: true,
  totalCount: true,
  etag: false,
  customerDelete: true,
  addressDelete: true,
  addressRename: false,
  externalRefLookup: true,
  passwordChange: true,
  shopperLogin: true,
  // SCAPI guests (SLAS guest logins) have no customer record to convert: registering makes one.
  guestConversion: false,
  erasure: true,
  // The Admin Customers search cannot filter on lastModified (updatedSince is a 501).
  listByUpdatedSince: false,
};

/** customerNo: at most 100 characters (spec); longer ids cannot exist. */
const MAX_CUSTOMER_NO = 100;
/** How many times a create retries when a made-up customer number is taken. */
const NUMBER_ATTEMPTS = 3;

export interface ScapiAdapterDeps extends AdapterDeps {
  /** Customer numbers for Admin-API creates (the caller names them there). */
  newCustomerNo?: () => string;
  /** Ids for addresses created without one. */
  newAddressId?: () => string;
}

const randomId = (length: number) => crypto.randomUUID().replaceAll('-', '').slice(0, length);
const quote = (etag: string | undefined) => (etag ? `"${etag}"` : undefined);

/**
 * SCAPI (B2C Commerce API): customers and addresses through Admin Customers with an Account
 * Manager token, listing and `ref:` through its customer-search, registration with a password
 * through Shopper Customers (guest token), password changes through SLAS + Shopper Customers
 * (with the current password) or the reset actions (without), shopper login through SLAS.
 */
export function createScapiAdapter(options: ScapiOptions, deps: ScapiAdapterDeps): CompleteAdapter {
  const client = createScapiClient(options, deps.fetch);
  const attribute = options.externalRefAttribute;
  const newCustomerNo =
    deps.newCustomerNo ?? (() => `GW${Date.now().toString(36).toUpperCase()}${randomId(6).toUpperCase()}`);
  const newAddressId = deps.newAddressId ?? (() => `addr-${randomId(10)}`);
  const list = `customer-lists/${encodeURIComponent(options.customerList)}/customers`;
  const customerPath = (no: string) => `${list}/${encodeURIComponent(no)}`;
  const addressPath = (no: string, addressId?: string) =>
    `${customerPath(no)}/addresses${addressId === undefined ? '' : `/${encodeURIComponent(addressId)}`}`;

  const customerScope = (ref: CustomerRef | string, loginPath?: 'login' | 'email'): ErrorScope => ({
    kind: 'customer',
    notFound: `customer ${typeof ref === 'string' ? ref : describeRef(ref)} does not exist`,
    loginPath,
  });
  const addressScope = (ref: CustomerRef, addressId?: string, prefix?: string): ErrorScope => ({
    kind: 'address',
    prefix,
    notFound:
      addressId === undefined
        ? `customer ${describeRef(ref)} does not exist`
        : `address ${addressId} of customer ${describeRef(ref)} does not exist`,
  });
  /** An Admin Customers call with the Account Manager token. */
  function admin<T>(ctx: CallContext, call: Omit<ScapiCall, 'api' | 'auth'>, schema: UpstreamSchema<T>): Promise<T>;
  function admin(ctx: CallContext, call: Omit<ScapiCall, 'api' | 'auth'>): Promise<undefined>;
  function admin<T>(ctx: CallContext, call: Omit<ScapiCall, 'api' | 'auth'>, schema?: UpstreamSchema<T>) {
    return schema
      ? client.call(ctx, { api: 'admin', auth: { kind: 'am' }, ...call }, schema)
      : client.call(ctx, { api: 'admin', auth: { kind: 'am' }, ...call });
  }

  /** The customer a ref names, as stored (a `ref:` is looked up through the search). */
  const lookup = async (ref: CustomerRef, ctx: CallContext): Promise<ScapiCustomer> => {
    if (ref.kind === 'externalRef') {
      const found = await findByExternalRef(client, ctx, ref.externalRef);
      if (!found) throw new GatewayError('not_found', `customer ${describeRef(ref)} does not exist`);
      return found;
    }
    if (utf8Length(ref.id) > MAX_CUSTOMER_NO) throw new GatewayError('not_found', `customer ${ref.id} does not exist`);
    return admin(
      ctx,
      { method: 'GET', path: customerPath(ref.id), what: 'customer', errors: customerScope(ref) },
      ScapiCustomerSchema,
    );
  };
  const customerNoOf = async (ref: CustomerRef, ctx: CallContext) =>
    ref.kind === 'id' && utf8Length(ref.id) <= MAX_CUSTOMER_NO ? ref.id : (await lookup(ref, ctx)).customerNo;

  /** Every address of a customer (the list answers at most 50 per call). */
  const allAddresses = async (no: string, ctx: CallContext, scope: ErrorScope): Promise<ScapiAddress[]> => {
    const all: ScapiAddress[] = [];
    for (let total = 1; all.length < total; ) {
      const page = await admin(
        ctx,
        {
          method: 'GET',
          path: addressPath(no),
          query: { limit: ADDRESS_PAGE_MAX, offset: all.length },
          what: 'address list',
          errors: scope,
        },
        AddressResultSchema,
      );
      all.push(...page.data);
      total = page.data.length === 0 ? all.length : page.total;
    }
    return all;
  };

  const setPrimary = (ctx: CallContext, customer: ScapiCustomer, address: ScapiAddress, scope: ErrorScope) =>
    admin(
      ctx,
      {
        method: 'PATCH',
        path: customerPath(customer.customerNo),
        what: 'customer',
        errors: scope,
        json: {
          customerNo: customer.customerNo,
          lastName: customer.lastName ?? '',
          primaryAddress: {
            addressId: address.addressId,
            countryCode: address.countryCode ?? '',
            lastName: address.lastName ?? '',
          },
        },
      },
      ScapiCustomerSchema,
    );

  /** externalRef is unique per customer list: checked through the search before a write (a race remains). */
  const checkExternalRefFree = async (ctx: CallContext, externalRef: string | null | undefined, self?: string) => {
    if (!externalRef) return;
    const holder = await findByExternalRef(client, ctx, externalRef);
    if (holder && holder.customerNo !== self)
      throw new GatewayError('conflict', 'externalRef is already used', {
        errors: [{ path: 'externalRef', message: 'already used' }],
      });
  };

  /** Creates through the Admin API under a made-up customer number (retried when it is taken). */
  const adminCreate = async (
    ctx: CallContext,
    doc: Record<string, unknown>,
    scope: ErrorScope,
  ): Promise<ScapiCustomer> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await admin(
          ctx,
          {
            method: 'POST',
            path: list,
            json: { customerNo: newCustomerNo(), ...doc },
            what: 'customer',
            errors: scope,
          },
          ScapiCustomerSchema,
        );
      } catch (error) {
        if (
          !(
            isGatewayError(error) &&
            error.upstream?.code === 'customer-number-already-in-use' &&
            attempt < NUMBER_ATTEMPTS
          )
        )
          throw error;
      }
    }
  };

  // The default flags come from the customer (primaryAddress), not from the address's own etag: the
  // ETag names both, so an address another one took the default from no longer matches its old tag.
  const addressResult = (address: ScapiAddress, primaryId: string | undefined): Versioned<Address> => ({
    value: fromScapiAddress(address, primaryId),
    etag: quote(address.etag && (address.addressId === primaryId ? `${address.etag}.default` : address.etag)),
  });

  const adapter: CompleteAdapter = {
    backend: BACKEND,
    capabilities,
    capabilityHints: {
      guestConversion:
        'the Admin Customers API keeps only registered customers (a guest exists only on its orders): register the shopper, or merge the guest order in Business Manager',
    },
    probe: (ctx) => probeScapi(client, ctx),

    async listCustomers(query, ctx) {
      const at = customerPosition(query.position);
      const limit = searchLimit(at, query.limit);
      const page = await searchCustomers(
        client,
        ctx,
        customerQuery(query, attribute, 'after' in at ? at.after : undefined),
        at,
        limit,
      );
      const email = query.email?.toLowerCase();
      const items = page.customers
        .filter(
          (c) =>
            (email === undefined || c.email?.toLowerCase() === email) &&
            (query.externalRef === undefined || c[attribute] === query.externalRef),
        )
        .map((c) => fromScapiCustomer(c, attribute));
      const next = nextCustomerPosition(
        at,
        page.customers.map((c) => c.customerNo),
        limit,
        page.total,
      );
      const total = customerTotal(at, page.total);
      return { items, next, ...(total !== undefined ? { total } : {}) };
    },

    async getCustomer(ref, { expandAddresses }, ctx) {
      const customer = await lookup(ref, ctx);
      const addresses = expandAddresses ? await allAddresses(customer.customerNo, ctx, customerScope(ref)) : undefined;
      const value = fromScapiCustomer(customer, attribute, addresses);
      return { value: value.addresses ? { ...value, addresses: defaultsFirst(value.addresses) } : value };
    },

    async createCustomer(input, ctx) {
      const doc = toScapiCustomerCreate(input, attribute);
      const addresses = (input.addresses ?? []).map((a, i) => toScapiAddressCreate(a, newAddressId, `addresses.${i}.`));
      await checkExternalRefFree(ctx, input.externalRef);
      const scope = customerScope('new', input.login === undefined ? 'email' : 'login');
      let customer: ScapiCustomer;
      if (input.password === undefined) customer = await adminCreate(ctx, doc, scope);
      else {
        const { credentials, ...profile } = doc;
        const login = (credentials as { login: string }).login;
        const customerNo = await registerCustomer(
          client,
          ctx,
          { login, email: input.email, lastName: input.lastName },
          input.password,
          scope,
        );
        try {
          customer = await admin(
            ctx,
            {
              method: 'PATCH',
              path: customerPath(customerNo),
              json: { ...profile, customerNo, credentials },
              what: 'customer',
              errors: customerScope(customerNo),
            },
            ScapiCustomerSchema,
          );
        } catch (error) {
          throw withCreated(error, { customerId: customerNo }, 'writing its profile');
        }
      }
      const customerNo = customer.customerNo;
      const created: string[] = [];
      for (const [i, { doc: body, primary }] of addresses.entries()) {
        try {
          const address = await admin(
            ctx,
            {
              method: 'POST',
              path: addressPath(customerNo),
              json: body,
              what: 'address',
              errors: addressScope({ kind: 'id', id: customerNo }, undefined, `addresses.${i}.`),
            },
            ScapiAddressSchema,
          );
          created.push(address.addressId);
          if (primary && customer.primaryAddress === undefined)
            customer = await setPrimary(ctx, customer, address, customerScope(customerNo));
        } catch (error) {
          throw withCreated(error, { customerId: customerNo, addresses: created }, `creating address ${i}`);
        }
      }
      return adapter.getCustomer({ kind: 'id', id: customerNo }, { expandAddresses: true }, ctx);
    },

    async updateCustomer(ref, patch, _opts, ctx) {
      const current = await lookup(ref, ctx);
      const json = toScapiCustomerPatch(patch, current, attribute);
      await checkExternalRefFree(ctx, patch.externalRef, current.customerNo);
      const updated = await admin(
        ctx,
        {
          method: 'PATCH',
          path: customerPath(current.customerNo),
          json,
          what: 'customer',
          errors: customerScope(ref, 'login'),
        },
        ScapiCustomerSchema,
      );
      return { value: fromScapiCustomer(updated, attribute) };
    },

    async deleteCustomer(ref, ctx) {
      await admin(ctx, {
        method: 'DELETE',
        path: customerPath(await customerNoOf(ref, ctx)),
        errors: customerScope(ref),
      });
    },

    async eraseCustomer(ref, ctx) {
      await adapter.deleteCustomer(ref, ctx);
      return {
        outcome: 'deleted',
        detail:
          'Admin Customers deleteCustomerFromCustomerList: the customer with its addresses and related information; orders keep their own copy of the buyer',
      };
    },

    async setPassword(ref, change, ctx) {
      const customer = await lookup(ref, ctx);
      const login = customer.credentials?.login;
      if (!login)
        throw new GatewayError(
          'upstream_contract_violation',
          `scapi answered customer ${describeRef(ref)} without credentials.login`,
        );
      const scope = customerScope(ref);
      if (change.currentPassword === undefined) return resetPassword(client, ctx, login, change.password, scope);
      const changed = await withShopperSession(client, ctx, login, change.currentPassword, async (session) => {
        if (customer.customerId !== undefined && session.customerId !== customer.customerId) {
          throw new GatewayError(
            'upstream_contract_violation',
            'scapi SLAS signed in another customer than the one whose login was used',
          );
        }
        await changePassword(client, ctx, session, change.currentPassword!, change.password, scope);
        return true;
      });
      if (!changed) throw wrongCurrentPassword('the current password is wrong');
    },

    async authenticateShopper({ email, password }, ctx) {
      const customerNo = await withShopperSession(client, ctx, email, password, (session) =>
        shopperCustomerNo(client, ctx, session),
      );
      if (customerNo === undefined) throw new GatewayError('unauthorized', 'email or password is wrong');
      return { customerId: customerNo };
    },

    async listAddresses(ref, page, ctx) {
      const customer = await lookup(ref, ctx);
      // SCAPI lists the book in its own order: read whole (as for ?expand=addresses) and put the
      // primary address first, as every backend answers.
      const all = await allAddresses(customer.customerNo, ctx, addressScope(ref));
      const primary = customer.primaryAddress?.addressId;
      return offsetPage(
        defaultsFirst(all.map((a) => fromScapiAddress(a, primary))),
        page.limit,
        page.position,
        BACKEND,
      );
    },

    async getAddress(ref, addressId, ctx) {
      const customer = await lookup(ref, ctx);
      const address = await admin(
        ctx,
        {
          method: 'GET',
          path: addressPath(customer.customerNo, addressId),
          what: 'address',
          errors: addressScope(ref, addressId),
        },
        ScapiAddressSchema,
      );
      return addressResult(address, customer.primaryAddress?.addressId);
    },

    async createAddress(ref, input, ctx) {
      const { doc, primary } = toScapiAddressCreate(input, newAddressId);
      const customer = await lookup(ref, ctx);
      const address = await admin(
        ctx,
        {
          method: 'POST',
          path: addressPath(customer.customerNo),
          json: doc,
          what: 'address',
          errors: addressScope(ref),
        },
        ScapiAddressSchema,
      );
      if (!primary) return addressResult(address, customer.primaryAddress?.addressId);
      await setPrimary(ctx, customer, address, customerScope(ref));
      return addressResult(address, address.addressId);
    },

    async updateAddress(ref, addressId, patch, _opts, ctx) {
      const customer = await lookup(ref, ctx);
      const scope = addressScope(ref, addressId);
      const path = addressPath(customer.customerNo, addressId);
      const current = await admin(ctx, { method: 'GET', path, what: 'address', errors: scope }, ScapiAddressSchema);
      const wasPrimary = customer.primaryAddress?.addressId === addressId;
      const { doc, primary } = toScapiAddressPatch(patch, current, wasPrimary);
      const updated = await admin(
        ctx,
        { method: 'PATCH', path, json: doc, what: 'address', errors: scope },
        ScapiAddressSchema,
      );
      if (primary) await setPrimary(ctx, customer, updated, customerScope(ref));
      return addressResult(updated, primary || wasPrimary ? addressId : customer.primaryAddress?.addressId);
    },

    async deleteAddress(ref, addressId, ctx) {
      // The customer is not read first (one call less): SCAPI's 404 is then the address's or the customer's.
      const deleted = admin(ctx, {
        method: 'DELETE',
        path: addressPath(await customerNoOf(ref, ctx), addressId),
        errors: addressScope(ref, addressId),
      });
      await namingMissingCustomer(deleted, () => lookup(ref, ctx));
    },
  };
  return adapter;
}

export const scapiBackend: BackendDefinition<ScapiOptions> = {
  name: BACKEND,
  baseUrlVariable: ['SCAPI_BASE_URL', 'SCAPI_SHORT_CODE'],
  parseOptions: parseScapiOptions,
  variables: SCAPI_VARIABLES,
  create: (options, deps) => createScapiAdapter(options, deps),
};
