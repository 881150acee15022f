import { parseUpstream, readJson } from '../http.js';
import { GatewayError } from '../errors.js';
import type { Address, Customer } from '../../schemas/index.js';
import type { AdapterDeps, AdapterPage, BackendDefinition, CallContext, Capabilities, CustomerAdapter, CustomerRef, Versioned } from '../types.js';
import { OcapiClient, path } from './client.js';
import { BACKEND, ocapiError, withCreated } from './errors.js';
import {
  addressCreateToOcapi,
  addressFromOcapi,
  addressPatchToOcapi,
  customerCreateToOcapi,
  customerFromOcapi,
  customerPatchToOcapi,
  customKeysOf,
  makeAddressId,
  MappingError,
} from './map.js';
import { sfccShopperLogin } from './login.js';
import { parseSfccOptions, type SfccOptions } from './options.js';
import { MAX_ADDRESS_START, nextStart, startFrom } from './paginate.js';
import {
  AddressResultSchema,
  CustomerSearchResultSchema,
  OcapiAddressSchema,
  OcapiCustomerSchema,
  ResetTokenResultSchema,
  type OcapiCustomer,
} from './upstream.js';

export type { SfccOptions } from './options.js';

/** OCAPI customer ids have at most 28 characters (20.4 spec): longer ones cannot exist. */
const MAX_CUSTOMER_ID = 28;
const MAX_ADDRESS_ID = 256;
/** Lengths as the spec (JSON Schema) and the canonical schemas count them: characters, not UTF-16 units. */
const tooLong = (value: string, max: number) => [...value].length > max;

const DATA_API_HINT = 'set SFCC_DATA_BASE_URL and SFCC_CUSTOMER_LIST (OCAPI Data API customer_search)';

/** OCAPI ETags are bare hex; HTTP wants them quoted. */
const quoteTag = (tag: string | null): string | undefined => (tag ? `"${tag.trim().replace(/^W\//, '').replace(/^"|"$/g, '')}"` : undefined);
/** A caller's If-Match as OCAPI takes it: one bare tag; `*` needs no check at all. */
function upstreamIfMatch(ifMatch: string | undefined): string | undefined {
  if (ifMatch === undefined) return undefined;
  const tags = ifMatch.split(',').map((t) => t.trim()).filter(Boolean);
  if (tags.length === 0 || tags.includes('*')) return undefined;
  return tags[0]!.replace(/^W\//, '').replace(/^"|"$/g, '');
}

const validation = (error: MappingError, prefix = '') =>
  new GatewayError('validation_failed', `SFCC cannot store this: ${error.message}`, {
    errors: error.errors.map((e) => ({ ...e, path: `${prefix}${e.path}` })),
  });

function mapping<T>(build: () => T, prefix = ''): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof MappingError) throw validation(error, prefix);
    throw error;
  }
}

const bearerOf = (response: Response): string => {
  const match = /^Bearer\s+(.+)$/i.exec(response.headers.get('authorization') ?? '');
  if (!match) throw new GatewayError('upstream_contract_violation', 'SFCC answered /customers/auth without an Authorization: Bearer header');
  return match[1]!.trim();
};

export interface SfccAdapterDeps extends AdapterDeps {
  /** Suffix generator for made-up address ids. */
  random?: () => string;
}

/**
 * SFCC over OCAPI: the Shop API for customers and addresses (Account Manager client
 * credentials), shopper JWTs where the Shop API insists on them (password change, registration
 * with a password), and the Data API customer search for listing and `ref:` lookups.
 */
export function createSfccAdapter(options: SfccOptions, deps: SfccAdapterDeps): CustomerAdapter {
  const client = new OcapiClient(options, deps.fetch);
  const attribute = options.externalRefAttribute;
  const hasData = client.hasDataApi;
  const capabilities: Capabilities = {
    listCustomers: hasData,
    totalCount: true,
    etag: true,
    customerDelete: false,
    addressDelete: true,
    addressRename: true,
    externalRefLookup: hasData,
    passwordChange: true,
    shopperLogin: true,
  };

  const ok = async <T>(response: Response, schema: Parameters<typeof parseUpstream<T>>[0], what: string, label: string): Promise<T> => {
    if (!response.ok) throw await ocapiError(response, what, attribute);
    return parseUpstream(schema, await readJson(response, BACKEND), BACKEND, label);
  };
  const noContent = async (response: Response, what: string): Promise<void> => {
    if (!response.ok) throw await ocapiError(response, what, attribute);
    await response.body?.cancel();
  };
  /** Best effort: give a shopper JWT back when done with it. */
  const invalidate = async (ctx: CallContext, token: string) => {
    try {
      const response = await client.send(ctx, 'shop', { method: 'DELETE', path: 'customers/auth', auth: { kind: 'bearer', token } });
      await response.body?.cancel();
    } catch {
      /* the token expires on its own */
    }
  };

  // ---- Data API ----------------------------------------------------------------------------

  const search = async (ctx: CallContext, query: Record<string, unknown>, start: number, count: number) => {
    const response = await client.send(ctx, 'data', {
      method: 'POST',
      path: path('customer_lists', options.data!.customerList, 'customer_search'),
      auth: { kind: 'oauth' },
      json: { query, sorts: [{ field: 'customer_no', sort_order: 'asc' }], start, count },
    });
    return ok(response, CustomerSearchResultSchema, 'the customer search', 'customer search result');
  };
  const termQuery = (field: string, value: string) => ({ term_query: { fields: [field], operator: 'is', values: [value] } });

  const byExternalRef = async (ctx: CallContext, externalRef: string): Promise<OcapiCustomer[]> =>
    (await search(ctx, termQuery(attribute, externalRef), 0, 2)).hits.map((h) => h.data);

  const assertExternalRefFree = async (ctx: CallContext, externalRef: string, self?: string) => {
    if (!hasData) return; // without the Data API uniqueness cannot be checked (documented)
    const holders = (await byExternalRef(ctx, externalRef)).filter((c) => c.customer_id !== self);
    if (holders.length > 0) {
      throw new GatewayError('conflict', `a customer with externalRef ${externalRef} already exists`, { errors: [{ path: 'externalRef', message: 'already used' }] });
    }
  };

  // ---- Shop API ----------------------------------------------------------------------------

  const resolveId = async (ref: CustomerRef, ctx: CallContext): Promise<string> => {
    if (ref.kind === 'id') {
      if (tooLong(ref.id, MAX_CUSTOMER_ID)) throw new GatewayError('not_found', `customer ${ref.id} does not exist`);
      return ref.id;
    }
    if (!hasData) throw new GatewayError('not_supported', `looking customers up by externalRef needs the Data API: ${DATA_API_HINT}`);
    const found = await byExternalRef(ctx, ref.externalRef);
    if (found.length === 0) throw new GatewayError('not_found', `customer ref:${ref.externalRef} does not exist`);
    if (found.length > 1) throw new GatewayError('conflict', `more than one customer has externalRef ${ref.externalRef}`);
    return found[0]!.customer_id;
  };

  const fetchCustomer = async (ctx: CallContext, id: string, expandAddresses: boolean) => {
    const response = await client.send(ctx, 'shop', {
      method: 'GET',
      path: path('customers', id),
      auth: { kind: 'oauth' },
      searchParams: expandAddresses ? { expand: 'addresses' } : undefined,
    });
    const doc = await ok(response, OcapiCustomerSchema, `customer ${id}`, 'customer');
    return { doc, etag: quoteTag(response.headers.get('etag')) };
  };

  const customerResult = (doc: OcapiCustomer, etag: string | undefined): Versioned<Customer> => ({ value: customerFromOcapi(doc, attribute), etag });

  const addressResult = async (response: Response, what: string): Promise<Versioned<Address>> => {
    const doc = await ok(response, OcapiAddressSchema, what, 'customer address');
    return { value: addressFromOcapi(doc), etag: quoteTag(response.headers.get('etag')) };
  };

  const postAddress = (ctx: CallContext, id: string, doc: Record<string, unknown>) =>
    client.send(ctx, 'shop', { method: 'POST', path: path('customers', id, 'addresses'), auth: { kind: 'oauth' }, json: doc });

  /** Registration: OAuth registrations must not carry a password; with one, a guest JWT must. */
  const register = async (ctx: CallContext, registration: Record<string, unknown>, password: string | undefined): Promise<string> => {
    if (password === undefined) {
      const response = await client.send(ctx, 'shop', { method: 'POST', path: 'customers', auth: { kind: 'oauth' }, json: { customer: registration } });
      return (await ok(response, OcapiCustomerSchema, 'the registration', 'customer')).customer_id;
    }
    const guest = await client.send(ctx, 'shop', { method: 'POST', path: 'customers/auth', auth: { kind: 'none' }, json: { type: 'guest' } });
    if (!guest.ok) throw await ocapiError(guest, 'the guest token request');
    await guest.body?.cancel();
    const token = bearerOf(guest);
    try {
      const response = await client.send(ctx, 'shop', { method: 'POST', path: 'customers', auth: { kind: 'bearer', token }, json: { password, customer: registration } });
      return (await ok(response, OcapiCustomerSchema, 'the registration', 'customer')).customer_id;
    } finally {
      await invalidate(ctx, token);
    }
  };

  const adapter: CustomerAdapter = {
    backend: BACKEND,
    capabilities,
    authenticateShopper: sfccShopperLogin(client),

    async listCustomers(query, ctx): Promise<AdapterPage<Customer>> {
      if (!hasData) throw new GatewayError('not_supported', `the Shop API cannot list customers: ${DATA_API_HINT}`);
      const start = startFrom(query.position);
      const must: Record<string, unknown>[] = [];
      if (query.email) must.push(termQuery('email', query.email));
      if (query.externalRef) must.push(termQuery(attribute, query.externalRef));
      if (query.updatedSince) must.push({ range_query: { field: 'last_modified', from: new Date(query.updatedSince).toISOString(), from_inclusive: true } });
      const q = must.length === 0 ? { match_all_query: {} } : must.length === 1 ? must[0]! : { bool_query: { must } };
      const result = await search(ctx, q, start, query.limit);
      return {
        items: result.hits.map((h) => customerFromOcapi(h.data, attribute)),
        next: nextStart(start, result.hits.length, result.total),
        total: result.total,
      };
    },

    async getCustomer(ref, { expandAddresses }, ctx) {
      const id = await resolveId(ref, ctx);
      const { doc, etag } = await fetchCustomer(ctx, id, expandAddresses);
      return customerResult(doc, etag);
    },

    async createCustomer(input, ctx) {
      const plan = mapping(() => customerCreateToOcapi(input, attribute));
      const addresses = (input.addresses ?? []).map((a) => addressCreateToOcapi(a, (x) => makeAddressId(x, deps.random)));
      const ids = addresses.map((a) => a.address_id as string);
      const duplicate = ids.findIndex((id, i) => ids.indexOf(id) !== i);
      if (duplicate >= 0) {
        throw new GatewayError('conflict', 'two addresses share an id', { errors: [{ path: `addresses.${duplicate}.id`, message: 'address ids must be unique' }] });
      }
      if (input.externalRef !== undefined) await assertExternalRefFree(ctx, input.externalRef);

      let id: string;
      try {
        id = await register(ctx, plan.registration, input.password);
      } catch (error) {
        // With the email as login, a taken login means the email is registered already.
        if (error instanceof GatewayError && error.code === 'conflict' && input.login === undefined) {
          throw new GatewayError('conflict', 'a customer with this email (the login) already exists', { upstream: error.upstream, errors: [{ path: 'email', message: 'already used' }] });
        }
        throw error;
      }
      const created: { customerId: string; addresses: string[] } = { customerId: id, addresses: [] };
      try {
        if (Object.keys(plan.profile).length > 0) {
          const response = await client.send(ctx, 'shop', { method: 'PATCH', path: path('customers', id), auth: { kind: 'oauth' }, json: plan.profile });
          await ok(response, OcapiCustomerSchema, `customer ${id}`, 'customer');
        }
        for (const [i, doc] of addresses.entries()) {
          const response = await postAddress(ctx, id, doc);
          if (!response.ok) {
            const error = await ocapiError(response, `address ${String(doc.address_id)}`, attribute);
            throw new GatewayError(error.code, error.message, { upstream: error.upstream, errors: error.errors?.map((e) => ({ ...e, path: `addresses.${i}.${e.path}` })) });
          }
          await response.body?.cancel();
          created.addresses.push(doc.address_id as string);
        }
        const { doc, etag } = await fetchCustomer(ctx, id, true);
        return customerResult(doc, etag);
      } catch (error) {
        throw withCreated(error, created);
      }
    },

    async updateCustomer(ref, patch, { ifMatch }, ctx) {
      const id = await resolveId(ref, ctx);
      // `custom` replaces the whole set: learn which c_* attributes to clear.
      const currentKeys = patch.custom !== undefined ? customKeysOf((await fetchCustomer(ctx, id, false)).doc) : [];
      const doc = mapping(() => customerPatchToOcapi(patch, attribute, currentKeys));
      if (typeof patch.externalRef === 'string') await assertExternalRefFree(ctx, patch.externalRef, id);
      const response = await client.send(ctx, 'shop', { method: 'PATCH', path: path('customers', id), auth: { kind: 'oauth' }, json: doc, ifMatch: upstreamIfMatch(ifMatch) });
      const updated = await ok(response, OcapiCustomerSchema, `customer ${id}`, 'customer');
      return customerResult(updated, quoteTag(response.headers.get('etag')));
    },

    async deleteCustomer() {
      throw new GatewayError('not_supported', 'the SFCC Shop API cannot delete customers: disable one with PATCH {"active": false}, or delete it in Business Manager');
    },

    async setPassword(ref, change, ctx) {
      const id = await resolveId(ref, ctx);
      const { doc } = await fetchCustomer(ctx, id, false);
      const login = doc.login ?? doc.credentials?.login;
      if (!login) throw new GatewayError('upstream_contract_violation', `SFCC customer ${id} has no login`);

      if (change.currentPassword === undefined) {
        // Server-side set: a reset token for the login, then the new password (20.4, OAuth, no hooks).
        const tokenResponse = await client.send(ctx, 'shop', { method: 'POST', path: 'customers/password/actions/create_reset_token', auth: { kind: 'oauth' }, json: { login } });
        const { reset_token } = await ok(tokenResponse, ResetTokenResultSchema, `customer ${id}`, 'reset token result');
        const reset = await client.send(ctx, 'shop', {
          method: 'POST',
          path: 'customers/password/actions/reset',
          auth: { kind: 'oauth' },
          json: { login, reset_token, new_password: change.password },
        });
        return noContent(reset, `the password of customer ${id}`);
      }

      // As the shopper: sign in with the current password, change it with the shopper's JWT.
      const auth = await client.send(ctx, 'shop', {
        method: 'POST',
        path: 'customers/auth',
        auth: { kind: 'basic', user: login, password: change.currentPassword },
        json: { type: 'credentials' },
      });
      if (auth.status === 401) {
        await auth.body?.cancel();
        throw new GatewayError('validation_failed', 'currentPassword is wrong (or the customer is disabled or locked)', {
          upstream: { status: 401, code: 'AuthenticationFailedException' },
          errors: [{ path: 'currentPassword', message: 'does not match' }],
        });
      }
      if (!auth.ok) throw await ocapiError(auth, `customer ${id}`);
      await auth.body?.cancel();
      const token = bearerOf(auth);
      try {
        const response = await client.send(ctx, 'shop', {
          method: 'PUT',
          path: path('customers', id, 'password'),
          auth: { kind: 'bearer', token },
          json: { current_password: change.currentPassword, password: change.password },
          // If a first attempt changed the password but its answer was lost, a retry would be
          // refused as "wrong current password": let the caller see the failure instead.
          idempotent: false,
        });
        await noContent(response, `the password of customer ${id}`);
      } finally {
        await invalidate(ctx, token);
      }
    },

    async listAddresses(ref, page, ctx) {
      const start = startFrom(page.position, MAX_ADDRESS_START);
      const id = await resolveId(ref, ctx);
      const response = await client.send(ctx, 'shop', {
        method: 'GET',
        path: path('customers', id, 'addresses'),
        auth: { kind: 'oauth' },
        searchParams: { start, count: page.limit },
      });
      const result = await ok(response, AddressResultSchema, `customer ${id}`, 'address list');
      return {
        items: result.data.map(addressFromOcapi),
        next: nextStart(start, result.data.length, result.total, MAX_ADDRESS_START),
        total: result.total,
      };
    },

    async getAddress(ref, addressId, ctx) {
      const id = await resolveId(ref, ctx);
      if (tooLong(addressId, MAX_ADDRESS_ID)) throw new GatewayError('not_found', `address ${addressId} does not exist`);
      const response = await client.send(ctx, 'shop', { method: 'GET', path: path('customers', id, 'addresses', addressId), auth: { kind: 'oauth' } });
      return addressResult(response, `address ${addressId} of customer ${id}`);
    },

    async createAddress(ref, input, ctx) {
      const doc = mapping(() => addressCreateToOcapi(input, (x) => makeAddressId(x, deps.random)));
      const id = await resolveId(ref, ctx);
      return addressResult(await postAddress(ctx, id, doc), `address ${String(doc.address_id)} of customer ${id}`);
    },

    async updateAddress(ref, addressId, patch, { ifMatch }, ctx) {
      const doc = mapping(() => addressPatchToOcapi(patch));
      const id = await resolveId(ref, ctx);
      if (tooLong(addressId, MAX_ADDRESS_ID)) throw new GatewayError('not_found', `address ${addressId} does not exist`);
      const what = `address ${addressId} of customer ${id}`;
      const response = await client.send(ctx, 'shop', {
        method: 'PATCH',
        path: path('customers', id, 'addresses', addressId),
        auth: { kind: 'oauth' },
        json: doc,
        ifMatch: upstreamIfMatch(ifMatch),
      });
      if (response.status !== 301) return addressResult(response, what);
      // Renamed: OCAPI answers 301 with the new Location and (usually) the address itself.
      const text = await response.text();
      if (text.trim() !== '') {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          throw new GatewayError('upstream_contract_violation', 'SFCC answered 301 to an address update with a body that is not JSON', { upstream: { status: 301 } });
        }
        const moved = parseUpstream(OcapiAddressSchema, body, BACKEND, 'customer address');
        return { value: addressFromOcapi(moved), etag: quoteTag(response.headers.get('etag')) };
      }
      const location = response.headers.get('location');
      const newId = location ? decodeURIComponent(location.split('/').pop()!.split('?')[0]!) : patch.id;
      if (!newId) throw new GatewayError('upstream_contract_violation', 'SFCC answered 301 to an address update without a Location');
      const again = await client.send(ctx, 'shop', { method: 'GET', path: path('customers', id, 'addresses', newId), auth: { kind: 'oauth' } });
      return addressResult(again, `address ${newId} of customer ${id}`);
    },

    async deleteAddress(ref, addressId, ctx) {
      const id = await resolveId(ref, ctx);
      if (tooLong(addressId, MAX_ADDRESS_ID)) throw new GatewayError('not_found', `address ${addressId} does not exist`);
      const response = await client.send(ctx, 'shop', { method: 'DELETE', path: path('customers', id, 'addresses', addressId), auth: { kind: 'oauth' } });
      await noContent(response, `address ${addressId} of customer ${id}`);
    },
  };
  return adapter;
}

export const sfccBackend: BackendDefinition<SfccOptions> = {
  name: 'sfcc',
  baseUrlVariable: 'SFCC_BASE_URL',
  parseOptions: parseSfccOptions,
  create: (options, deps) => createSfccAdapter(options, deps),
};
