import type { Address, Customer } from '../../schemas/index.js';
import { GatewayError } from '../errors.js';
import { withCreated } from '../support.js';
import { unsupported } from '../unsupported.js';
import type {
  AdapterDeps,
  BackendDefinition,
  CallContext,
  Capabilities,
  CustomerAdapter,
  CustomerRef,
  Versioned,
} from '../types.js';
import { OcapiClient, path, type OcapiAnswer } from './client.js';
import { BACKEND } from './errors.js';
import {
  customKeysOf,
  fromOcapiAddress,
  fromOcapiCustomer,
  loginOf,
  makeAddressId,
  toOcapiAddressCreate,
  toOcapiAddressPatch,
  toOcapiCustomerCreate,
  toOcapiCustomerPatch,
} from './map.js';
import { parseSfccOptions, SFCC_VARIABLES, type SfccOptions } from './options.js';
import { MAX_ADDRESS_START, nextStart, startFrom } from './paginate.js';
import { createCustomerSearch, DATA_API_HINT } from './search.js';
import { sfccAccounts, sfccLoginChange } from './accounts.js';
import { sfccShopperLogin } from './login.js';
import { createShopperFlows } from './shopper.js';
import {
  AddressResultSchema,
  OcapiAddressSchema,
  OcapiCustomerSchema,
  type OcapiAddress,
  type OcapiCustomer,
} from './upstream.js';
import { probeSfcc } from './probe.js';

export type { SfccOptions } from './options.js';

/** OCAPI customer ids have at most 28 characters (20.4 spec): longer ones cannot exist. */
const MAX_CUSTOMER_ID = 28;
const MAX_ADDRESS_ID = 256;
/** Lengths as the spec (JSON Schema) and the canonical schemas count them: characters, not UTF-16 units. */
const tooLong = (value: string, max: number) => [...value].length > max;

/** The customer_no the Data API addresses a customer by: OCAPI always sends it, and a call without one would name no customer. */
function customerNoOf(body: { customer_no?: string | null }, id: string): string {
  if (!body.customer_no)
    throw new GatewayError('upstream_contract_violation', `SFCC customer ${id} has no customer_no`);
  return body.customer_no;
}

/** A caller's If-Match as OCAPI takes it: one bare tag; `*` needs no check at all. */
function upstreamIfMatch(ifMatch: string | undefined): string | undefined {
  if (ifMatch === undefined) return undefined;
  const tags = ifMatch
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  if (tags.length === 0 || tags.includes('*')) return undefined;
  return tags[0]!.replace(/^W\//, '').replace(/^"|"$/g, '');
}

/** What SFCC offers instead of a customer delete (capability customerDelete false, no deleteCustomer). */
const CUSTOMER_DELETE_HINT =
  'the Shop API has no customer delete; disable one with PATCH {"active": false}, or delete it in Business Manager';

/** Every method but deleteCustomer (the Shop API has none); listCustomers only with the Data API. */
export type SfccAdapter = CustomerAdapter &
  Required<Pick<CustomerAdapter, 'setPassword' | 'deleteAddress' | 'authenticateShopper'>>;

export interface SfccAdapterDeps extends AdapterDeps {
  /** Suffix generator for made-up address ids. */
  random?: () => string;
}

/**
 * SFCC over OCAPI: the Shop API for customers and addresses (Account Manager client
 * credentials), shopper JWTs where the Shop API insists on them (`shopper.ts`), and the Data API
 * customer search for listing and `ref:` lookups (`search.ts`).
 */
export function createSfccAdapter(options: SfccOptions, deps: SfccAdapterDeps): SfccAdapter {
  const client = new OcapiClient(options, deps.fetch);
  const search = createCustomerSearch(client, options);
  const shopper = createShopperFlows(client);
  const changeLogin = sfccLoginChange(client, options);
  const attribute = options.externalRefAttribute;
  const capabilities: Capabilities = {
    listCustomers: search.available,
    totalCount: true,
    etag: true,
    customerDelete: false,
    addressDelete: true,
    addressRename: true,
    externalRefLookup: search.available,
    passwordChange: true,
    shopperLogin: true,
    // OCAPI guests are not customer records (see accounts.ts).
    guestConversion: false,
    erasure: search.available,
    // The Data API customer_search: range_query on last_modified.
    listByUpdatedSince: search.available,
  };
  const oauth = { kind: 'oauth' } as const;
  const newAddressId = () => makeAddressId(deps.random);

  const resolveId = async (ref: CustomerRef, ctx: CallContext): Promise<string> => {
    if (ref.kind === 'id') {
      if (tooLong(ref.id, MAX_CUSTOMER_ID)) throw new GatewayError('not_found', `customer ${ref.id} does not exist`);
      return ref.id;
    }
    // Routes refuse ref: ids first (capability externalRefLookup); this guards direct callers.
    if (!search.available) throw unsupported(adapter, 'externalRefLookup');
    const found = await search.byExternalRef(ctx, ref.externalRef);
    if (found.length === 0) throw new GatewayError('not_found', `customer ref:${ref.externalRef} does not exist`);
    if (found.length > 1)
      throw new GatewayError('conflict', `more than one customer has externalRef ${ref.externalRef}`);
    return found[0]!.customer_id;
  };
  /** The path of an address of a customer; an id OCAPI cannot have is a plain 404. */
  const addressPath = (id: string, addressId: string): string => {
    if (tooLong(addressId, MAX_ADDRESS_ID)) throw new GatewayError('not_found', `address ${addressId} does not exist`);
    return path('customers', id, 'addresses', addressId);
  };

  const fetchCustomer = (ctx: CallContext, id: string, expandAddresses: boolean) =>
    client.call(
      ctx,
      'shop',
      {
        method: 'GET',
        path: path('customers', id),
        auth: oauth,
        searchParams: expandAddresses ? { expand: 'addresses' } : undefined,
        what: `customer ${id}`,
      },
      OcapiCustomerSchema,
    );
  const patchCustomer = (ctx: CallContext, id: string, doc: Record<string, unknown>, ifMatch?: string) =>
    client.call(
      ctx,
      'shop',
      { method: 'PATCH', path: path('customers', id), auth: oauth, json: doc, ifMatch, what: `customer ${id}` },
      OcapiCustomerSchema,
    );
  const postAddress = (ctx: CallContext, id: string, doc: Record<string, unknown>) =>
    client.call(
      ctx,
      'shop',
      {
        method: 'POST',
        path: path('customers', id, 'addresses'),
        auth: oauth,
        json: doc,
        what: `address ${String(doc.address_id)} of customer ${id}`,
      },
      OcapiAddressSchema,
    );
  const getAddress = (ctx: CallContext, id: string, addressId: string) =>
    client.call(
      ctx,
      'shop',
      { method: 'GET', path: addressPath(id, addressId), auth: oauth, what: `address ${addressId} of customer ${id}` },
      OcapiAddressSchema,
    );

  const customerResult = ({ body, etag }: OcapiAnswer<OcapiCustomer>): Versioned<Customer> => ({
    value: fromOcapiCustomer(body, attribute),
    etag,
  });
  const addressResult = ({ body, etag }: OcapiAnswer<OcapiAddress>): Versioned<Address> => ({
    value: fromOcapiAddress(body),
    etag,
  });

  const adapter: SfccAdapter = {
    backend: BACKEND,
    capabilities,
    probe: (ctx) => probeSfcc(client, options, search, ctx),
    authenticateShopper: sfccShopperLogin(client),
    capabilityHints: {
      customerDelete: CUSTOMER_DELETE_HINT,
      guestConversion:
        'OCAPI keeps no guest customer records (a guest exists only on its orders): register the shopper; their guest orders stay as they are',
      ...(search.available
        ? {}
        : {
            listCustomers: DATA_API_HINT,
            externalRefLookup: DATA_API_HINT,
            erasure: DATA_API_HINT,
            listByUpdatedSince: DATA_API_HINT,
          }),
    },
    ...sfccAccounts(
      client,
      options,
      async (id, ctx) => customerNoOf((await fetchCustomer(ctx, id, false)).body, id),
      resolveId,
    ),
    // Listing needs the Data API: without it the method is absent (capability listCustomers false).
    ...(search.available ? { listCustomers: (query, ctx) => search.list(query, ctx) } : {}),

    async getCustomer(ref, { expandAddresses }, ctx) {
      return customerResult(await fetchCustomer(ctx, await resolveId(ref, ctx), expandAddresses));
    },

    async createCustomer(input, ctx) {
      const plan = toOcapiCustomerCreate(input, attribute);
      const addresses = (input.addresses ?? []).map((a) => toOcapiAddressCreate(a, newAddressId));
      const ids = addresses.map((a) => a.address_id as string);
      const duplicate = ids.findIndex((id, i) => ids.indexOf(id) !== i);
      if (duplicate >= 0) {
        throw new GatewayError('conflict', 'two addresses share an id', {
          errors: [{ path: `addresses.${duplicate}.id`, message: 'address ids must be unique' }],
        });
      }
      if (input.externalRef !== undefined) await search.assertExternalRefFree(ctx, input.externalRef);

      const id = await shopper.register(ctx, plan.registration, input.password).catch((error: unknown) => {
        // With the email as login, a taken login means the email is registered already.
        if (error instanceof GatewayError && error.code === 'conflict' && input.login === undefined) {
          throw new GatewayError('conflict', 'a customer with this email (the login) already exists', {
            upstream: error.upstream,
            errors: [{ path: 'email', message: 'already used' }],
          });
        }
        throw error;
      });
      const created: { customerId: string; addresses: string[] } = { customerId: id, addresses: [] };
      let step = 'writing its profile';
      try {
        if (Object.keys(plan.profile).length > 0) await patchCustomer(ctx, id, plan.profile);
        for (const [i, doc] of addresses.entries()) {
          step = `creating address ${i}`;
          await postAddress(ctx, id, doc).catch((error: unknown) => {
            if (!(error instanceof GatewayError)) throw error;
            throw new GatewayError(error.code, error.message, {
              upstream: error.upstream,
              errors: error.errors?.map((e) => ({ ...e, path: `addresses.${i}.${e.path}` })),
            });
          });
          created.addresses.push(doc.address_id as string);
        }
        step = 'reading it back';
        return customerResult(await fetchCustomer(ctx, id, true));
      } catch (error) {
        throw withCreated(error, created, step);
      }
    },

    async updateCustomer(ref, patch, { ifMatch }, ctx) {
      const id = await resolveId(ref, ctx);
      // The one strong tag the route hands a backend that checks If-Match itself (withIfMatch).
      const tag = upstreamIfMatch(ifMatch);
      // Read for `custom` (it replaces the whole set: which c_* attributes to clear), for a login
      // change, and for an externalRef search under If-Match, whose precondition comes first (below).
      const read =
        patch.custom !== undefined || patch.login || (typeof patch.externalRef === 'string' && tag !== undefined)
          ? await fetchCustomer(ctx, id, false)
          : undefined;
      // A stale If-Match is answered before the checks below (a 409 for a taken login or externalRef):
      // the precondition comes first, as SFCC's own PATCH would have it had it been sent.
      if (tag !== undefined && read?.etag !== undefined && read.etag !== `"${tag}"`)
        throw new GatewayError('precondition_failed', `If-Match does not match the current ETag of customer ${id}`);
      const current = read?.body;
      const doc = toOcapiCustomerPatch(patch, attribute, current ? customKeysOf(current) : [], {
        loginThroughDataApi: changeLogin !== undefined,
      });
      if (typeof patch.externalRef === 'string') await search.assertExternalRefFree(ctx, patch.externalRef, id);
      const newLogin =
        typeof patch.login === 'string' && current && patch.login !== loginOf(current) ? patch.login : undefined;
      if (newLogin !== undefined) await search.assertLoginFree(ctx, newLogin, id);
      const updated = await patchCustomer(ctx, id, doc, tag);
      if (newLogin === undefined) return customerResult(updated);
      // After the Shop API PATCH, which checks If-Match atomically against the document before this
      // change (the login change moves the ETag). A login taken since the check above (a race) then
      // fails with the profile written: the problem says so, naming what was.
      await changeLogin!(ctx, customerNoOf(updated.body, id), newLogin, id).catch((error: unknown) => {
        const cause = error instanceof GatewayError ? error : undefined;
        if (!cause) throw error;
        const written = Object.keys(patch).filter((field) => field !== 'login');
        throw new GatewayError(
          cause.code,
          `${cause.message}; the login was not changed, but the rest of the change was written: ${written.join(', ') || 'nothing'}`,
          {
            errors: cause.errors,
            upstream: cause.upstream,
            created: { customerId: id, updated: written },
            cause: error,
          },
        );
      });
      return customerResult(await fetchCustomer(ctx, id, false));
    },

    async setPassword(ref, change, ctx) {
      const id = await resolveId(ref, ctx);
      const { body } = await fetchCustomer(ctx, id, false);
      const login = loginOf(body);
      if (!login) throw new GatewayError('upstream_contract_violation', `SFCC customer ${id} has no login`);
      await shopper.setPassword(ctx, id, login, change);
    },

    async listAddresses(ref, page, ctx) {
      const start = startFrom(page.position, MAX_ADDRESS_START);
      const id = await resolveId(ref, ctx);
      const request = {
        method: 'GET' as const,
        path: path('customers', id, 'addresses'),
        auth: oauth,
        searchParams: { start, count: page.limit },
        what: `customer ${id}`,
      };
      const { body } = await client.call(ctx, 'shop', request, AddressResultSchema);
      return {
        items: body.data.map(fromOcapiAddress),
        next: nextStart(start, body.data.length, body.total, MAX_ADDRESS_START),
        total: body.total,
      };
    },

    async getAddress(ref, addressId, ctx) {
      return addressResult(await getAddress(ctx, await resolveId(ref, ctx), addressId));
    },

    async createAddress(ref, input, ctx) {
      const doc = toOcapiAddressCreate(input, newAddressId);
      return addressResult(await postAddress(ctx, await resolveId(ref, ctx), doc));
    },

    async updateAddress(ref, addressId, patch, { ifMatch }, ctx) {
      const doc = toOcapiAddressPatch(patch);
      const id = await resolveId(ref, ctx);
      const request = {
        method: 'PATCH' as const,
        path: addressPath(id, addressId),
        auth: oauth,
        json: doc,
        ifMatch: upstreamIfMatch(ifMatch),
        acceptMoved: true,
        what: `address ${addressId} of customer ${id}`,
      };
      const answer = await client.call(ctx, 'shop', request, OcapiAddressSchema.optional());
      if (answer.body) return addressResult({ ...answer, body: answer.body });
      if (answer.status !== 301)
        throw new GatewayError(
          'upstream_contract_violation',
          `SFCC answered ${answer.status} to an address update without the address`,
        );
      // Renamed: OCAPI answers 301 with the new Location and (usually) the address itself.
      const newId = answer.location ? decodeURIComponent(answer.location.split('/').pop()!.split('?')[0]!) : patch.id;
      if (!newId)
        throw new GatewayError(
          'upstream_contract_violation',
          'SFCC answered 301 to an address update without a Location',
        );
      return addressResult(await getAddress(ctx, id, newId));
    },

    async deleteAddress(ref, addressId, ctx) {
      const id = await resolveId(ref, ctx);
      await client.call(ctx, 'shop', {
        method: 'DELETE',
        path: addressPath(id, addressId),
        auth: oauth,
        what: `address ${addressId} of customer ${id}`,
      });
    },
  };
  return adapter;
}

export const sfccBackend: BackendDefinition<SfccOptions> = {
  name: BACKEND,
  baseUrlVariable: 'SFCC_BASE_URL',
  parseOptions: parseSfccOptions,
  variables: SFCC_VARIABLES,
  create: createSfccAdapter,
};
