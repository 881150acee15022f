import { Hono } from 'hono';
import { addressDocument, addressEtag } from './shop-documents.js';
import type { ShopEnv, ShopResources } from './shop.js';
import { type CustomerRecord, type OcapiAddress, sortedAddresses } from './store.js';
import { apply, checkDocument } from './validate.js';
import { documentResponse, faultResponse, OCAPI_VERSION, ocapiNow } from './wire.js';

/** A customer's address book: paged list, create, read, patch (a new name answers 301) and delete. */
export function shopAddressRoutes(resources: ShopResources): Hono<ShopEnv> {
  const { takeHook, authorizedCustomer, ifMatchRefusal, basePath } = resources;
  const app = new Hono<ShopEnv>();

  // --- address book -----------------------------------------------------------------------

  app.get('/customers/:customerId/addresses', async (c) => {
    const customerId = c.req.param('customerId');
    const record = await authorizedCustomer(c, customerId);
    if (record instanceof Response) return record;
    const rawStart = c.req.query('start');
    const rawCount = c.req.query('count');
    const start = rawStart === undefined ? 0 : Number(rawStart);
    const count = rawCount === undefined ? 10 : Number(rawCount);
    if (!Number.isInteger(start) || start < 0 || start > 999) {
      return faultResponse('parameterConstraint', "Query parameter 'start' must be an integer from 0 to 999.", {
        parameter: 'start',
      });
    }
    if (!Number.isInteger(count) || count < 1 || count > 200) {
      return faultResponse('parameterConstraint', "Query parameter 'count' must be an integer from 1 to 200.", {
        parameter: 'count',
      });
    }
    const all = sortedAddresses(record);
    const data = all.slice(start, start + count).map((a) => ({ ...addressDocument(a, false), etag: addressEtag(a) }));
    const doc: Record<string, unknown> = {
      _v: OCAPI_VERSION,
      _type: 'customer_address_result',
      count: data.length,
      data,
      start,
      total: all.length,
    };
    // next/previous links only when the caller asked for a page.
    if (rawStart !== undefined || rawCount !== undefined) {
      const link = (s: number) =>
        `${new URL(c.req.url).origin}${basePath}/customers/${customerId}/addresses?count=${count}&start=${s}`;
      if (start + count < all.length) doc.next = link(start + count);
      if (start > 0) doc.previous = link(Math.max(0, start - count));
    }
    return documentResponse(doc);
  });

  app.post('/customers/:customerId/addresses', async (c) => {
    const customerId = c.req.param('customerId');
    const record = await authorizedCustomer(c, customerId);
    if (record instanceof Response) return record;
    const body = c.get('body');
    const name = body.address_id;
    if (typeof name !== 'string' || name.trim() === '')
      return faultResponse('invalidAddressId', 'The address name is not provided or blank.', {
        addressId: String(name ?? ''),
      });
    const checked = checkDocument('customer_address', body);
    if (checked instanceof Response) return checked;
    if (record.addresses.has(name))
      return faultResponse('addressNameInUse', 'Customer address id is already in use.', { addressId: name });
    const hook = takeHook(c);
    if (hook) return hook;
    const now = ocapiNow();
    const address: OcapiAddress = { address_id: name, preferred: false, creation_date: now, last_modified: now };
    apply(address, checked);
    address.preferred = address.preferred === true;
    record.addresses.set(name, address);
    if (address.preferred) settlePreferred(record, address);
    return documentResponse(addressDocument(address), 200, { etag: addressEtag(address) });
  });

  app.get('/customers/:customerId/addresses/:addressName', async (c) => {
    const { customerId, addressName } = c.req.param();
    const record = await authorizedCustomer(c, customerId);
    if (record instanceof Response) return record;
    const address = record.addresses.get(addressName);
    if (!address) return faultResponse('notFound', `Customer address '${addressName}' not found.`);
    return documentResponse(addressDocument(address), 200, { etag: addressEtag(address) });
  });

  app.patch('/customers/:customerId/addresses/:addressName', async (c) => {
    const { customerId, addressName } = c.req.param();
    const record = await authorizedCustomer(c, customerId);
    if (record instanceof Response) return record;
    const address = record.addresses.get(addressName);
    if (!address) {
      return faultResponse('addressNotFound', `Customer address '${addressName}' not found.`, {
        addressId: addressName,
        customerNo: record.customer.customer_no,
        siteId: 'SiteGenesis',
      });
    }
    const stale = ifMatchRefusal(c, addressEtag(address), 'address');
    if (stale) return stale;
    const checked = checkDocument('customer_address', c.get('body'));
    if (checked instanceof Response) return checked;
    const newName = checked.get('address_id');
    if (checked.has('address_id') && (typeof newName !== 'string' || newName.trim() === '')) {
      return faultResponse('invalidAddressId', 'The address name is not provided or blank.', { addressId: '' });
    }
    const renamed = typeof newName === 'string' && newName !== addressName;
    if (renamed && record.addresses.has(newName))
      return faultResponse('addressIdInUse', 'The new address name is already used for the customer.', {
        addressId: newName,
      });
    const hook = takeHook(c);
    if (hook) return hook;
    apply(address, checked);
    address.preferred = address.preferred === true;
    address.last_modified = ocapiNow();
    if (renamed) {
      record.addresses.delete(addressName);
      record.addresses.set(newName, address);
    }
    if (address.preferred) settlePreferred(record, address);
    const headers: Record<string, string> = { etag: addressEtag(address) };
    if (!renamed) return documentResponse(addressDocument(address), 200, headers);
    // A rename answers 301 with the address's new Location and the address itself.
    headers.location = `${basePath}/customers/${customerId}/addresses/${encodeURIComponent(newName)}`;
    return documentResponse(addressDocument(address), 301, headers);
  });

  app.delete('/customers/:customerId/addresses/:addressName', async (c) => {
    const { customerId, addressName } = c.req.param();
    const record = await authorizedCustomer(c, customerId);
    if (record instanceof Response) return record;
    if (!record.addresses.has(addressName))
      return faultResponse('notFound', `Customer address '${addressName}' not found.`);
    const hook = takeHook(c);
    if (hook) return hook;
    record.addresses.delete(addressName);
    return c.body(null, 204);
  });

  return app;
}

/** One preferred address per customer. */
function settlePreferred(record: CustomerRecord, preferred: OcapiAddress): void {
  for (const other of record.addresses.values()) if (other !== preferred && other.preferred) other.preferred = false;
}
