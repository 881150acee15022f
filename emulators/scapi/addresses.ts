import { Hono, type Context } from 'hono';
import { adminGuard, customerNotFound, scopesFor, type ScapiRealm } from './admin.js';
import { sortedAddresses, type CustomerRecord } from './store.js';
import { ADDRESS_FIELDS, ADDRESS_SERVER_FIELDS, problem, refuseDocument } from './wire.js';

const REQUIRED = ['addressId', 'countryCode', 'lastName'];
/** The address list's page size: default 25, at most 50 (spec). */
const MAX_LIMIT = 50;

function queryInt(c: Context, name: string, fallback: number): number | undefined {
  const raw = c.req.query(name);
  if (raw === undefined) return fallback;
  return /^\d{1,9}$/.test(raw) ? Number(raw) : undefined;
}

/** The writable part of a `CustomerAddress` body ("" clears a field, server fields are ignored). */
function writable(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([key]) => !ADDRESS_SERVER_FIELDS.has(key)));
}

/** Admin Customers: a customer's address book (`…/customers/{customerNo}/addresses[/{addressId}]`). */
export function adminAddressesApp(realm: ScapiRealm): Hono {
  const app = new Hono();
  const base = '/customer-lists/:list/customers/:customerNo/addresses';

  /** Guard + customer lookup shared by every address route. */
  const customerOf = async (c: Context): Promise<CustomerRecord | Response> => {
    const refused = await adminGuard(c, realm, scopesFor(c.req.method));
    if (refused) return refused;
    const record = realm.store.records.get(c.req.param('customerNo')!);
    return record ?? customerNotFound(c.req.param('customerNo')!);
  };

  app.get(base, async (c) => {
    const record = await customerOf(c);
    if (record instanceof Response) return record;
    const limit = queryInt(c, 'limit', 25);
    const offset = queryInt(c, 'offset', 0);
    if (limit === undefined || limit < 1 || limit > MAX_LIMIT)
      return problem('invalid-query-parameter', `limit must be between 1 and ${MAX_LIMIT}.`);
    if (offset === undefined) return problem('invalid-query-parameter', 'offset must be 0 or more.');
    const all = sortedAddresses(record);
    return c.json({ data: all.slice(offset, offset + limit), limit, offset, total: all.length });
  });

  app.post(base, async (c) => {
    const record = await customerOf(c);
    if (record instanceof Response) return record;
    const body = await c.req.json().catch(() => undefined);
    const invalid = refuseDocument(body, ADDRESS_FIELDS, ADDRESS_SERVER_FIELDS, REQUIRED);
    if (invalid) return invalid;
    if (record.addresses.has(body.addressId))
      return problem('address-id-already-in-use', `The address ID '${body.addressId}' is already in use.`, {
        addressId: body.addressId,
      });
    const fields = Object.fromEntries(Object.entries(writable(body)).filter(([, v]) => v !== ''));
    return c.json(realm.store.putAddress(record, fields as typeof body));
  });

  app.on(['GET', 'PATCH', 'DELETE'], `${base}/:addressId`, async (c) => {
    const record = await customerOf(c);
    if (record instanceof Response) return record;
    const addressId = c.req.param('addressId');
    const current = record.addresses.get(addressId);
    if (!current)
      return problem('customer-address-not-found', `No address with ID '${addressId}' could be found.`, { addressId });
    if (c.req.method === 'GET') return c.json(current);
    if (c.req.method === 'DELETE') {
      record.addresses.delete(addressId);
      if (record.customer.primaryAddressId === addressId) delete record.customer.primaryAddressId;
      return c.body(null, 204);
    }
    const body = await c.req.json().catch(() => undefined);
    const invalid = refuseDocument(body, ADDRESS_FIELDS, ADDRESS_SERVER_FIELDS, REQUIRED);
    if (invalid) return invalid;
    // The address id names the resource: this emulator does not rename through PATCH.
    if (body.addressId !== addressId)
      return problem('invalid-property', "The property 'addressId' must match the address in the path.", {
        property: 'addressId',
      });
    const next: Record<string, unknown> = { ...current };
    for (const [key, value] of Object.entries(writable(body))) {
      if (value === '') delete next[key];
      else next[key] = value;
    }
    return c.json(realm.store.putAddress(record, next as typeof current));
  });

  return app;
}
