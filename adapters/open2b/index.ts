import { GatewayError, wrongCurrentPassword } from '../errors.js';
import { describeRef, withCreated } from '../support.js';
import type {
  AdapterDeps,
  BackendDefinition,
  CallContext,
  Capabilities,
  CompleteAdapter,
  CustomerRef,
} from '../types.js';
import { createOpen2bClient } from './client.js';
import { BACKEND } from './errors.js';
import { addressesOf, addressOf, isSlot, fromOpen2bCustomer } from './map.js';
import { parseOpen2bOptions, OPEN2B_VARIABLES, type Open2bOptions } from './options.js';
import { addressPage, afterLast, keysetPage, KeysetPosition, OffsetPosition, open2bPosition } from './paginate.js';
import { toOpen2bAddressCreate, toOpen2bAddressPatch, toOpen2bCustomerCreate, toOpen2bCustomerPatch } from './write.js';
import { OPEN2B_LIMITS, charLength } from './limits.js';
import { open2bAccounts } from './accounts.js';
import { open2bShopperLogin } from './login.js';
import { shopTimeToInstant } from './time.js';
import {
  AuthenticateAnswer,
  CountAnswer,
  CreateAnswer,
  CUSTOMER_FIELDS,
  FindAnswer,
  GetAnswer,
  METHODS as M,
  OkAnswer,
  type CustomerBody,
  type CustomerWire,
} from './upstream.js';
import { probeOpen2b } from './probe.js';

export type { Open2bOptions } from './options.js';

/**
 * `total` from commerce.customers.count, run alongside find (not with updatedSince: count cannot
 * filter on it); no ETags (the gateway derives them and checks If-Match by reading first); the
 * shipping address can be deleted, the billing one cannot (409); address ids are the fixed slots
 * `billing` and `shipping` (no rename, at most two); `ref:` and `externalRef=` go through `code`.
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
  guestConversion: true,
  erasure: true,
  // find ordered by -updateTime, stopped at the first older customer (there is no updateTime condition).
  listByUpdatedSince: true,
  maxAddresses: 2,
};

const fields = [...CUSTOMER_FIELDS];
/** Rows an `updatedSince` page first looks back over for the last one returned (then 4×, 16×… up to the start). */
const LOOK_BACK = 5;
const MAX_LOOK_BACK = LOOK_BACK * 4 ** 4;
const NATIVE_ID = /^[1-9]\d{0,14}$/;

const notFound = (ref: CustomerRef) => new GatewayError('not_found', `customer ${describeRef(ref)} does not exist`);

/** Open2b stores plain passwords of 6–16 characters: a longer one would be refused, not cut. */
function checkPasswordLength(password: string): void {
  const { min, max } = OPEN2B_LIMITS.password;
  const length = charLength(password);
  if (length < min || length > max) {
    throw new GatewayError(
      'validation_failed',
      `password must have ${min}–${max} characters for Open2b; got ${length}`,
      {
        errors: [{ path: 'password', message: `must have between ${min} and ${max} characters for Open2b` }],
      },
    );
  }
}

export function createOpen2bAdapter(options: Open2bOptions, deps: AdapterDeps): CompleteAdapter {
  const client = createOpen2bClient(options, deps);
  const zone = options.timezone;

  const getById = async (id: number, ctx: CallContext) =>
    (await client.call(ctx, M.get, { id, fields }, GetAnswer)).customer;

  /** The stored customer behind a ref, or 404 (an id that is not an Open2b id cannot exist). */
  const load = async (ref: CustomerRef, ctx: CallContext): Promise<CustomerWire> => {
    if (ref.kind === 'id') {
      const found = NATIVE_ID.test(ref.id) ? await getById(Number(ref.id), ctx) : null;
      if (!found) throw notFound(ref);
      return found;
    }
    if (charLength(ref.externalRef) > OPEN2B_LIMITS.code.max) throw notFound(ref);
    const answer = await client.call(
      ctx,
      M.find,
      { conditions: { code: ref.externalRef }, fields, limit: 1 },
      FindAnswer,
    );
    const found = answer.customers[0];
    if (!found) throw notFound(ref);
    return found;
  };

  /** Writes, then reads back what Open2b stored (its writes answer only `status: ok`). */
  const update = async (id: number, customer: CustomerBody, ctx: CallContext, fieldContext = {}) => {
    if (Object.keys(customer).length > 0) await client.call(ctx, M.update, { id, customer }, OkAnswer, fieldContext);
    const after = await getById(id, ctx);
    if (!after) throw new GatewayError('not_found', `customer ${id} does not exist`);
    return after;
  };

  /** Deletes the customer with its billing and shipping address (a delete, and an erasure). */
  const remove = async (ref: CustomerRef, ctx: CallContext) => {
    const current = await load(ref, ctx);
    await client.call(ctx, M.delete, { ids: [current.id] }, OkAnswer);
  };

  const slotOf = (addressId: string, c: CustomerWire) => {
    if (!isSlot(addressId) || !addressOf(c, addressId)) {
      throw new GatewayError(
        'not_found',
        `address ${addressId} of customer ${c.id} does not exist (Open2b addresses are "billing" and "shipping")`,
      );
    }
    return addressId;
  };

  return {
    backend: BACKEND,
    capabilities,
    probe: (ctx) => probeOpen2b(client, ctx),
    authenticateShopper: open2bShopperLogin(client),
    ...open2bAccounts(client, load, checkPasswordLength, remove),

    async listCustomers(query, ctx) {
      const conditions = {
        ...(query.email !== undefined ? { email: query.email } : {}),
        ...(query.externalRef !== undefined ? { code: query.externalRef } : {}),
      };
      // A value longer than Open2b stores matches no one (and Open2b would refuse the condition).
      const tooLong = (value: string | undefined, max: number) => value !== undefined && charLength(value) > max;
      if (
        tooLong(query.externalRef, OPEN2B_LIMITS.code.max) ||
        tooLong(query.email, OPEN2B_LIMITS['billingAddress.email'].max)
      ) {
        return { items: [], next: null, total: 0 };
      }

      if (query.updatedSince !== undefined) {
        const since = Date.parse(query.updatedSince);
        const { offset = 0, after } = open2bPosition(OffsetPosition, query.position) ?? {};
        // Customers deleted since the last page moved it up: look back for where its last one stands now.
        let window: { rows: CustomerWire[]; start: number; full: boolean } | undefined;
        for (let lookBack = after ? LOOK_BACK : 0; !window; lookBack *= 4) {
          // Past that many deletions a window would be one very large find: the walk starts over.
          if (lookBack > MAX_LOOK_BACK)
            throw new GatewayError(
              'conflict',
              `over ${MAX_LOOK_BACK} customers before this page were deleted during the walk: list again without the cursor`,
              { errors: [{ path: 'query.cursor', message: 'the list changed too much since this cursor' }] },
            );
          const first = Math.max(0, offset - lookBack);
          const limit = offset - first + query.limit + 1;
          const answer = await client.call(
            ctx,
            M.find,
            { conditions, fields, order: ['-updateTime', '-id'], first, limit },
            FindAnswer,
          );
          const found = afterLast(answer.customers, first, after);
          if (found) window = { ...found, full: answer.customers.length === limit };
        }
        const isNewer = (c: CustomerWire) =>
          (shopTimeToInstant(c.updateTime ?? '', zone)?.getTime() ?? -Infinity) >= since;
        // The page and the one row that says whether another follows (a look-back window holds more).
        const candidates = window.rows.slice(0, query.limit + 1);
        const newer = candidates.filter(isNewer);
        const reachedOlder = newer.length < candidates.length;
        const items = newer.slice(0, query.limit);
        const last = items.at(-1);
        const next: OffsetPosition = last
          ? { offset: window.start + items.length, after: [last.updateTime ?? '', last.id] }
          : { offset: window.start, ...(after ? { after } : {}) };
        return {
          items: items.map((c) => fromOpen2bCustomer(c, zone, false)),
          next: !reachedOlder && (window.full || candidates.length > query.limit) ? next : null,
        };
      }

      const after = open2bPosition(KeysetPosition, query.position) ?? 0;
      const [answer, counted] = await Promise.all([
        client.call(
          ctx,
          M.find,
          { conditions: { ...conditions, after }, fields, order: ['id'], limit: query.limit + 1 },
          FindAnswer,
        ),
        client.call(ctx, M.count, { conditions }, CountAnswer),
      ]);
      const page = keysetPage(answer.customers, query.limit, (c) => c.id);
      return {
        items: page.items.map((c) => fromOpen2bCustomer(c, zone, false)),
        next: page.next,
        total: counted.count,
      };
    },

    async getCustomer(ref, { expandAddresses }, ctx) {
      return { value: fromOpen2bCustomer(await load(ref, ctx), zone, expandAddresses) };
    },

    async createCustomer(input, ctx) {
      const { customer, fields: fieldContext } = toOpen2bCustomerCreate(input);
      const { id } = await client.call(ctx, M.create, { customer }, CreateAnswer, fieldContext);
      try {
        const stored = await getById(id, ctx);
        if (!stored) throw new GatewayError('upstream_error', `Open2b created customer ${id} but does not return it`);
        return { value: fromOpen2bCustomer(stored, zone, true) };
      } catch (error) {
        throw withCreated(error, { customerId: String(id) }, 'reading it back');
      }
    },

    async updateCustomer(ref, patch, _opts, ctx) {
      const current = await load(ref, ctx);
      const body = toOpen2bCustomerPatch(current, patch);
      return { value: fromOpen2bCustomer(await update(current.id, body, ctx, { customerNames: true }), zone, false) };
    },

    deleteCustomer: remove,

    async setPassword(ref, change, ctx) {
      const current = await load(ref, ctx);
      checkPasswordLength(change.password);
      if (change.currentPassword !== undefined) {
        // Open2b can only check a password by authenticating, which also moves loginTime on (see docs/backends/open2b.md).
        const limits = OPEN2B_LIMITS['authenticate.password'];
        const plausible =
          charLength(change.currentPassword) >= limits.min && charLength(change.currentPassword) <= limits.max;
        const answer = plausible
          ? await client.call(
              ctx,
              M.authenticate,
              { email: current.billingAddress.email, password: change.currentPassword, fields: ['id'] },
              AuthenticateAnswer,
            )
          : { customer: null };
        if (answer.customer?.id !== current.id) {
          throw wrongCurrentPassword('currentPassword is wrong (or the customer cannot log in)');
        }
      }
      await client.call(
        ctx,
        M.update,
        { id: current.id, customer: { password: { value: change.password } } },
        OkAnswer,
        { customerNames: true },
      );
    },

    async listAddresses(ref, page, ctx) {
      return addressPage(addressesOf(await load(ref, ctx)), page.limit, page.position);
    },

    async getAddress(ref, addressId, ctx) {
      const current = await load(ref, ctx);
      return { value: addressOf(current, slotOf(addressId, current))! };
    },

    async createAddress(ref, input, ctx) {
      const current = await load(ref, ctx);
      const { slot, customer } = toOpen2bAddressCreate(current, input);
      const stored = await update(current.id, customer, ctx, { shipping: '' });
      return { value: addressOf(stored, slot)! };
    },

    async updateAddress(ref, addressId, patch, _opts, ctx) {
      const current = await load(ref, ctx);
      const slot = slotOf(addressId, current);
      const body = toOpen2bAddressPatch(current, slot, patch);
      const stored = await update(current.id, body, ctx, slot === 'billing' ? { billing: '' } : { shipping: '' });
      const address = addressOf(stored, slot);
      if (!address)
        throw new GatewayError('not_found', `address ${addressId} of customer ${current.id} does not exist`);
      return { value: address };
    },

    async deleteAddress(ref, addressId, ctx) {
      const current = await load(ref, ctx);
      const slot = slotOf(addressId, current);
      if (slot === 'billing') {
        // 409, not 422: like a third address, this is the two-slot model refusing, decided here
        // before anything is sent; the way out is to change other state (PATCH the billing address).
        throw new GatewayError(
          'conflict',
          'Open2b requires every customer to keep a billing address: it cannot be deleted, only changed (PATCH it)',
          {
            errors: [{ path: 'addressId', message: 'the billing address cannot be deleted' }],
          },
        );
      }
      await client.call(ctx, M.update, { id: current.id, customer: { shippingAddress: null } }, OkAnswer, {
        shipping: '',
      });
    },
  };
}

export const open2bBackend: BackendDefinition<Open2bOptions> = {
  name: BACKEND,
  baseUrlVariable: 'OPEN2B_BASE_URL',
  parseOptions: parseOpen2bOptions,
  variables: OPEN2B_VARIABLES,
  create: createOpen2bAdapter,
};
