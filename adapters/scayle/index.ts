import { GatewayError, isGatewayError } from '../errors.js';
import { defaultsFirst, describeRef, namingMissingCustomer, withCreated } from '../support.js';
import type {
  AdapterDeps,
  BackendDefinition,
  CallContext,
  Capabilities,
  CustomerAdapter,
  CustomerRef,
} from '../types.js';
import { addressSegment, createScayleClient, customerSegment, type ScayleClient } from './client.js';
import { BACKEND, canonicalFieldPath, type ErrorScope } from './errors.js';
import { scayleAccounts } from './accounts.js';
import {
  toScayleAddressPatch,
  toScayleCustomerPatch,
  fromScayleAddress,
  fromScayleCustomer,
  toScayleAddressCreate,
  toScayleCustomerCreate,
  DOT_GROUP,
  isDotSegment,
} from './map.js';
import { parseScayleOptions, SCAYLE_VARIABLES, type ScayleOptions } from './options.js';
import { CURSOR_PARAM, customerCursor, nextCustomerPosition, pageAddresses } from './paginate.js';
import {
  ScayleAddressListSchema,
  ScayleAddressSchema,
  ScayleCustomerListSchema,
  ScayleCustomerSchema,
  ScayleStatusSchema,
  type ScayleAddress,
  type ScayleCustomer,
} from './upstream.js';
import { probeScayle } from './probe.js';

export type { ScayleOptions } from './options.js';

/**
 * No `total` (SCAYLE does not count); no ETags (the gateway derives them and checks If-Match by
 * reading first); no address DELETE in the Admin API (only anonymize); address ids are SCAYLE's
 * numbers, so no rename.
 */
const capabilities: Capabilities = {
  listCustomers: true,
  totalCount: false,
  etag: false,
  customerDelete: true,
  addressDelete: false,
  addressRename: false,
  externalRefLookup: true,
  passwordChange: true,
  // The Admin API cannot check a shopper's password.
  shopperLogin: false,
  guestConversion: true,
  erasure: true,
  // filters[minUpdatedAt]
  listByUpdatedSince: true,
};

/** What SCAYLE offers instead of what its Admin API cannot do (no deleteAddress, no authenticateShopper). */
const capabilityHints = {
  addressDelete:
    'its Admin API only anonymizes one (POST /shops/{shopKey}/countries/{countryCode}/customers/{customer}/addresses/{address}/anonymize)',
  shopperLogin:
    "its Admin API has no password check; sign shoppers in through SCAYLE's Storefront API (its OAuth login) or your identity provider, and call the admin routes from your own backend",
} as const;

/** Every method but deleteAddress and authenticateShopper; importPasswordHash takes SFCC's hashes. */
export type ScayleAdapter = CustomerAdapter &
  Required<Pick<CustomerAdapter, 'listCustomers' | 'deleteCustomer' | 'setPassword' | 'importPasswordHash'>>;

export function createScayleAdapter(options: ScayleOptions, deps: Pick<AdapterDeps, 'fetch'>): ScayleAdapter {
  const client: ScayleClient = createScayleClient(options, deps.fetch);

  const customerScope = (ref: CustomerRef | string): ErrorScope => ({
    kind: 'customer',
    notFound: `customer ${typeof ref === 'string' ? ref : describeRef(ref)} does not exist`,
  });
  /** A 404 on the collection itself means the shop or country in the path is wrong: our configuration. */
  const collectionScope: ErrorScope = {
    kind: 'customer',
    notFound: 'scayle does not know the configured shop country (check SCAYLE_SHOP_KEY and SCAYLE_COUNTRY_CODE)',
    notFoundIsConfig: true,
  };
  const addressScope = (ref: CustomerRef, addressId?: string, prefix?: string): ErrorScope => ({
    kind: 'address',
    prefix,
    notFound: addressId
      ? `address ${addressId} of customer ${describeRef(ref)} does not exist`
      : `customer ${describeRef(ref)} does not exist`,
  });

  /** The path segment for a customer; an id SCAYLE cannot have is a plain 404. */
  const customerPath = (ref: CustomerRef): string => {
    const segment = customerSegment(ref);
    if (!segment) throw new GatewayError('not_found', `customer ${describeRef(ref)} does not exist`);
    return `/${segment}`;
  };
  const addressPath = (ref: CustomerRef, addressId: string): string => {
    const segment = addressSegment(addressId);
    if (!segment)
      throw new GatewayError('not_found', `address ${addressId} of customer ${describeRef(ref)} does not exist`);
    return `${customerPath(ref)}/addresses/${segment}`;
  };

  const fetchCustomer = (ctx: CallContext, path: string, scope: ErrorScope, withAddresses: boolean) =>
    client.call(
      ctx,
      'GET',
      {
        path,
        query: { with: withAddresses ? 'addresses,legacyCustomData' : 'legacyCustomData' },
        what: 'customer',
        errors: scope,
      },
      ScayleCustomerSchema,
    );

  /** SCAYLE answers an address path's 404 alike for a missing address and a missing customer. */
  const readingAddress = <T>(ref: CustomerRef, ctx: CallContext, work: Promise<T>) =>
    namingMissingCustomer(work, () => fetchCustomer(ctx, customerPath(ref), customerScope(ref), false));

  /** A write answer stands for the customer only when it carries the custom data a GET would. */
  const asRead = (c: ScayleCustomer | undefined) => (c && c.legacyCustomData !== undefined ? c : undefined);

  const adapter: ScayleAdapter = {
    backend: BACKEND,
    capabilities,
    capabilityHints,
    ...scayleAccounts(client, customerPath, customerScope),
    probe: (ctx) => probeScayle(options, () => adapter.listCustomers({ limit: 1 }, ctx)),

    async listCustomers(query, ctx) {
      const cursor = customerCursor(query.position);
      const page = await client.call(
        ctx,
        'GET',
        {
          path: '',
          query: {
            limit: query.limit,
            [CURSOR_PARAM]: cursor,
            with: 'legacyCustomData',
            // SCAYLE reads filters as comma-separated lists: the answer is checked below, so
            // `a,b` (or a tenant that ignores filters[email], not in SCAYLE's published list)
            // never yields another customer.
            'filters[referenceKey]': query.externalRef,
            'filters[email]': query.email,
            'filters[minUpdatedAt]':
              query.updatedSince && new Date(query.updatedSince).toISOString().replace(/\.\d{3}Z$/, '+00:00'),
          },
          what: 'customer list',
          errors: collectionScope,
        },
        ScayleCustomerListSchema,
      );
      const email = query.email?.toLowerCase();
      const entities = page.entities.filter(
        (c) =>
          (email === undefined || c.email.toLowerCase() === email) &&
          (query.externalRef === undefined || c.referenceKey === query.externalRef),
      );
      return {
        items: entities.map((c) => fromScayleCustomer(c, false)),
        next: nextCustomerPosition(page.cursor?.next),
      };
    },

    async getCustomer(ref, { expandAddresses }, ctx) {
      const customer = await fetchCustomer(ctx, customerPath(ref), customerScope(ref), expandAddresses);
      return { value: fromScayleCustomer(customer, expandAddresses) };
    },

    async createCustomer(input, ctx) {
      // Map everything first, so a field SCAYLE cannot store is refused before anything is written.
      const body = toScayleCustomerCreate(input);
      const addresses = (input.addresses ?? []).map((a, i) => toScayleAddressCreate(a, `addresses.${i}.`));

      const created = await client.call(
        ctx,
        'POST',
        { path: '', body, what: 'customer', errors: collectionScope },
        ScayleCustomerSchema,
      );
      const id = String(created.id);
      const ref: CustomerRef = { kind: 'id', id };
      const step = (what: string, run: () => Promise<unknown>) =>
        run().catch((error: unknown) => {
          throw withCreated(error, { customerId: id }, what);
        });
      if (input.password !== undefined) {
        await step('setting its password', () =>
          client.call(ctx, 'PUT', {
            path: `/${id}/password`,
            body: { password: input.password, hashingType: 'internal' },
            errors: { kind: 'customer', notFound: `customer ${id} vanished` },
          }),
        );
      }
      if (input.active === false) {
        await step('deactivating it', () =>
          client.call(
            ctx,
            'PUT',
            {
              path: `/${id}/status`,
              body: { isActive: false, isGuestCustomer: created.status?.isGuestCustomer ?? false },
              errors: customerScope(id),
            },
            ScayleStatusSchema,
          ),
        );
      }
      for (const [i, address] of addresses.entries()) {
        await step(`creating address ${i}`, () =>
          client.call(
            ctx,
            'POST',
            { path: `/${id}/addresses`, body: address, errors: addressScope(ref, undefined, `addresses.${i}.`) },
            ScayleAddressSchema,
          ),
        );
      }
      const simple =
        input.password === undefined && input.active !== false && addresses.length === 0 && asRead(created);
      const final = simple ? created : await fetchCustomer(ctx, `/${id}`, customerScope(id), true);
      return { value: fromScayleCustomer(final, true) };
    },

    async updateCustomer(ref, patch, _opts, ctx) {
      const plan = toScayleCustomerPatch(patch);
      const scope = customerScope(ref);
      let path = customerPath(ref);
      let current: ScayleCustomer | undefined;
      let latest: ScayleCustomer | undefined;

      // SCAYLE takes a PATCH in several calls; once one has landed, a later failure says so, and
      // names the customer and the patch's fields written (`created`: its change event, the retry).
      const written = new Set<string>();
      const step = async <T>(what: string[], run: () => Promise<T>): Promise<T> => {
        try {
          const result = await run();
          for (const path of what) written.add(path);
          return result;
        } catch (error) {
          if (!isGatewayError(error) || written.size === 0) throw error;
          const fields = [...new Set([...written].map((path) => path.split('.')[0]!))];
          throw new GatewayError(
            error.code,
            `${error.message}; already written before that: ${[...written].join(', ')}`,
            {
              errors: error.errors,
              upstream: error.upstream,
              retryAfter: error.retryAfter,
              created: { customerId: path.slice(1), updated: fields },
              cause: error,
            },
          );
        }
      };

      // Status and groups are written whole, so they need the stored state; the other endpoints
      // take the numeric id, which a ref: lookup has to find first.
      const extra =
        plan.referenceKey !== undefined ||
        plan.active !== undefined ||
        plan.groups !== undefined ||
        plan.custom !== undefined;
      if (plan.active !== undefined || plan.groups !== undefined || (extra && ref.kind === 'externalRef')) {
        current = await fetchCustomer(ctx, path, scope, false);
        path = `/${current.id}`;
      }
      const held = (current && fromScayleCustomer(current, false).groups) ?? [];
      // A group held from elsewhere whose name is a URL path step cannot be removed by name: refused
      // before anything is written (map.ts, isDotSegment).
      const stuck = plan.groups && held.find((g) => isDotSegment(g) && !plan.groups!.includes(g));
      if (stuck !== undefined)
        throw new GatewayError('validation_failed', `the customer holds the group "${stuck}": ${DOT_GROUP}`, {
          errors: [{ path: 'groups', message: DOT_GROUP }],
        });
      const bodyFields = Object.keys(plan.body).map((field) => canonicalFieldPath('customer', field));
      if (bodyFields.length > 0) {
        latest = await step(bodyFields, () =>
          client.call(ctx, 'PATCH', { path, body: plan.body, what: 'customer', errors: scope }, ScayleCustomerSchema),
        );
        path = `/${latest.id}`;
      }
      if (plan.referenceKey !== undefined) {
        const body = { referenceKey: plan.referenceKey };
        latest = await step(['externalRef'], () =>
          client.call(
            ctx,
            'PUT',
            { path: `${path}/reference-key`, body, what: 'customer', errors: scope },
            ScayleCustomerSchema,
          ),
        );
      }
      if (plan.active !== undefined && current && plan.active !== (current.status?.isActive ?? true)) {
        const body = { isActive: plan.active, isGuestCustomer: current.status?.isGuestCustomer ?? false };
        await step(['active'], () =>
          client.call(ctx, 'PUT', { path: `${path}/status`, body, errors: scope }, ScayleStatusSchema),
        );
        latest = undefined;
      }
      if (plan.groups !== undefined && current) {
        const added = plan.groups.filter((g) => !held.includes(g));
        const removed = held.filter((g) => !plan.groups!.includes(g));
        if (added.length) {
          latest = await step(['groups'], () =>
            client.call(
              ctx,
              'POST',
              { path: `${path}/customer-groups`, body: { groups: added }, what: 'customer', errors: scope },
              ScayleCustomerSchema,
            ),
          );
        }
        for (const group of removed) {
          await step(['groups'], () =>
            client.call(ctx, 'DELETE', { path: `${path}/customer-groups/${encodeURIComponent(group)}`, errors: scope }),
          );
          latest = undefined;
        }
      }
      if (plan.custom !== undefined) {
        latest = await step(['custom'], () =>
          client.call(
            ctx,
            'PUT',
            { path: `${path}/legacy-custom-data`, body: plan.custom, what: 'customer', errors: scope },
            ScayleCustomerSchema,
          ),
        );
      }
      const final = asRead(latest) ?? (await step([], () => fetchCustomer(ctx, path, scope, false)));
      return { value: fromScayleCustomer(final, false) };
    },

    async deleteCustomer(ref, ctx) {
      await client.call(ctx, 'DELETE', { path: customerPath(ref), errors: customerScope(ref) });
    },

    async setPassword(ref, change, ctx) {
      if (change.currentPassword !== undefined) {
        // The Admin API sets passwords administratively and has no way to verify the old one.
        // Accepting it unchecked would let a "change my password" flow skip its own safeguard.
        throw new GatewayError(
          'validation_failed',
          'scayle cannot verify a current password; verify it before calling, then send only `password`',
          {
            errors: [{ path: 'currentPassword', message: 'cannot be verified by this backend' }],
          },
        );
      }
      await client.call(ctx, 'PUT', {
        path: `${customerPath(ref)}/password`,
        body: { password: change.password, hashingType: 'internal' },
        errors: customerScope(ref),
      });
    },

    async importPasswordHash(ref, { hash, scheme }, ctx) {
      await client.call(ctx, 'PUT', {
        path: `${customerPath(ref)}/password-hash`,
        body: { hash, hashingType: scheme },
        errors: customerScope(ref),
      });
    },

    async listAddresses(ref, page, ctx) {
      const list = await client.call(
        ctx,
        'GET',
        { path: `${customerPath(ref)}/addresses`, what: 'address list', errors: addressScope(ref) },
        ScayleAddressListSchema,
      );
      const all = defaultsFirst([...list.entities].sort((a, b) => a.id - b.id).map(fromScayleAddress));
      return pageAddresses(all, page.limit, page.position);
    },

    async getAddress(ref, addressId, ctx) {
      const address = await readingAddress(
        ref,
        ctx,
        client.call(
          ctx,
          'GET',
          { path: addressPath(ref, addressId), what: 'address', errors: addressScope(ref, addressId) },
          ScayleAddressSchema,
        ),
      );
      return { value: fromScayleAddress(address) };
    },

    async createAddress(ref, input, ctx) {
      const body = toScayleAddressCreate(input);
      const created = await client.call(
        ctx,
        'POST',
        { path: `${customerPath(ref)}/addresses`, body, what: 'address', errors: addressScope(ref) },
        ScayleAddressSchema,
      );
      return { value: fromScayleAddress(created) };
    },

    async updateAddress(ref, addressId, patch, _opts, ctx) {
      const path = addressPath(ref, addressId);
      const scope = addressScope(ref, addressId);
      const current: ScayleAddress = await readingAddress(
        ref,
        ctx,
        client.call(ctx, 'GET', { path, what: 'address', errors: scope }, ScayleAddressSchema),
      );
      const plan = toScayleAddressPatch(patch, current);
      let latest = current;
      const byId = `${customerPath(ref)}/addresses/${current.id}`;
      if (Object.keys(plan.body).length > 0) {
        latest = await client.call(
          ctx,
          'PATCH',
          { path: byId, body: plan.body, what: 'address', errors: scope },
          ScayleAddressSchema,
        );
      }
      if (plan.referenceKey !== undefined && plan.referenceKey !== current.referenceKey) {
        latest = await client.call(
          ctx,
          'PUT',
          { path: `${byId}/reference-key`, body: { referenceKey: plan.referenceKey }, what: 'address', errors: scope },
          ScayleAddressSchema,
        );
      }
      return { value: fromScayleAddress(latest) };
    },
  };
  return adapter;
}

export const scayleBackend: BackendDefinition<ScayleOptions> = {
  name: BACKEND,
  baseUrlVariable: 'SCAYLE_BASE_URL',
  parseOptions: parseScayleOptions,
  variables: SCAYLE_VARIABLES,
  create: createScayleAdapter,
};
