import { Hono, type Context } from 'hono';
import { requireAm, type Tokens } from './auth.js';
import { QueryError, matches, SEARCH_WINDOW, sortCustomers } from './search.js';
import { customerDocument, type CustomerRecord, type ScapiStore } from './store.js';
import { CUSTOMER_FIELDS, CUSTOMER_SERVER_FIELDS, problem, refuseDocument, scapiNow, utf8Bytes } from './wire.js';

export interface ScapiRealm {
  store: ScapiStore;
  tokens: Tokens;
  organizationId: string;
  customerListId: string;
  siteId: string;
  /** The callback URL registered for the SLAS private client. */
  redirectUri: string;
}

const READ = ['sfcc.customerlists', 'sfcc.customerlists.rw'];
const WRITE = ['sfcc.customerlists.rw'];

/** The preamble of every Admin Customers route: token and scope, organization, customer list. */
export async function adminGuard(c: Context, realm: ScapiRealm, scopes: string[]): Promise<Response | undefined> {
  const principal = await requireAm(c, realm.tokens, scopes);
  if (principal instanceof Response) return principal;
  if (c.req.param('org') !== realm.organizationId)
    return problem('not-found', `No organization with ID '${c.req.param('org')}' could be found.`);
  const list = c.req.param('list');
  if (list !== undefined && list !== realm.customerListId)
    return problem('customer-list-not-found', `No customer list with ID '${list}' could be found.`, { listId: list });
  return undefined;
}

export const scopesFor = (method: string) => (method === 'GET' ? READ : WRITE);

export function customerNotFound(customerNo: string): Response {
  return problem('customer-not-found', `No customer with number '${customerNo}' could be found.`, { customerNo });
}

const jsonBody = (c: Context) => c.req.json().catch(() => undefined);

/** Applies a `Customer` body to a stored customer ("" or null clears a custom attribute). */
function applyCustomer(record: CustomerRecord, body: Record<string, unknown>, realm: ScapiRealm): Response | undefined {
  const customer = record.customer;
  const credentials = body.credentials as Record<string, unknown> | undefined;
  if (credentials) {
    if (credentials.login !== undefined) {
      if (typeof credentials.login !== 'string' || credentials.login === '' || utf8Bytes(credentials.login) > 256)
        return problem('invalid-property', "The property 'credentials.login' is invalid.", {
          property: 'credentials.login',
        });
      const owner = realm.store.byLogin(credentials.login);
      if (owner && owner !== record)
        return problem('login-already-in-use', `The login '${credentials.login}' is already in use.`, {
          login: credentials.login,
        });
      customer.credentials.login = credentials.login;
    }
    for (const flag of ['enabled', 'locked'] as const) {
      if (credentials[flag] === undefined) continue;
      if (typeof credentials[flag] !== 'boolean')
        return problem('invalid-property', `The property 'credentials.${flag}' must be a boolean.`, {
          property: `credentials.${flag}`,
        });
      customer.credentials[flag] = credentials[flag] as boolean;
    }
  }
  const primary = body.primaryAddress as Record<string, unknown> | undefined;
  if (primary) {
    if (typeof primary.addressId !== 'string' || !record.addresses.has(primary.addressId)) {
      return problem('invalid-property', "The property 'primaryAddress' must name an address of the customer.", {
        property: 'primaryAddress',
      });
    }
    customer.primaryAddressId = primary.addressId;
  }
  for (const [key, value] of Object.entries(body)) {
    if (key === 'credentials' || key === 'primaryAddress' || CUSTOMER_SERVER_FIELDS.has(key)) continue;
    if (value === '' || value === null) delete customer[key];
    else customer[key] = value;
  }
  customer.lastModified = scapiNow();
  return undefined;
}

/** Admin Customers: customer-search and customer create / read / update / delete in a customer list. */
export function adminCustomersApp(realm: ScapiRealm): Hono {
  const app = new Hono();
  const { store } = realm;

  app.post('/customer-lists/:list/customer-search', async (c) => {
    const refused = await adminGuard(c, realm, READ);
    if (refused) return refused;
    const body = await jsonBody(c);
    if (!body || typeof body.query !== 'object')
      return problem('invalid-query-parameter', 'The search request needs a query.');
    const limit = body.limit ?? 25;
    const offset = body.offset ?? 0;
    if (!Number.isInteger(limit) || limit < 1 || limit > 200)
      return problem('invalid-query-parameter', 'limit must be between 1 and 200.');
    if (!Number.isInteger(offset) || offset < 0) return problem('invalid-query-parameter', 'offset must be 0 or more.');
    if (offset + limit > SEARCH_WINDOW)
      return problem('invalid-query-parameter', `offset + limit must not exceed ${SEARCH_WINDOW}.`);
    try {
      const customers = [...store.records.values()]
        .map((r) => r.customer)
        .filter((customer) => matches(body.query, customer));
      const sorted = sortCustomers(customers, body.sorts);
      const hits = sorted
        .slice(offset, offset + limit)
        .map((customer) => ({ data: customerDocument(store.records.get(customer.customerNo)!), relevance: 1 }));
      return c.json({
        hits,
        limit,
        offset,
        total: sorted.length,
        query: body.query,
        ...(body.sorts ? { sorts: body.sorts } : {}),
      });
    } catch (error) {
      if (error instanceof QueryError) return problem('invalid-query-parameter', error.message);
      throw error;
    }
  });

  app.post('/customer-lists/:list/customers', async (c) => {
    const refused = await adminGuard(c, realm, WRITE);
    if (refused) return refused;
    const body = await jsonBody(c);
    const invalid = refuseDocument(body, CUSTOMER_FIELDS, CUSTOMER_SERVER_FIELDS, [
      'customerNo',
      'lastName',
      'credentials',
    ]);
    if (invalid) return invalid;
    const login = body.credentials?.login;
    if (typeof login !== 'string' || login === '')
      return problem('invalid-property', "The property 'credentials.login' is required.", {
        property: 'credentials.login',
      });
    if (store.records.has(body.customerNo))
      return problem('customer-number-already-in-use', `The customer number '${body.customerNo}' is already in use.`, {
        customerNo: body.customerNo,
      });
    if (store.byLogin(login))
      return problem('login-already-in-use', `The login '${login}' is already in use.`, { login });
    const record = store.insert({ customerNo: body.customerNo, lastName: body.lastName, credentials: { login } });
    const failed = applyCustomer(record, body, realm);
    if (failed) {
      store.records.delete(record.customer.customerNo);
      return failed;
    }
    return c.json(customerDocument(record));
  });

  app.on(['GET', 'PATCH', 'DELETE'], '/customer-lists/:list/customers/:customerNo', async (c) => {
    const refused = await adminGuard(c, realm, scopesFor(c.req.method));
    if (refused) return refused;
    const customerNo = c.req.param('customerNo');
    const record = store.records.get(customerNo);
    if (!record) return customerNotFound(customerNo);
    if (c.req.method === 'GET') return c.json(customerDocument(record));
    if (c.req.method === 'DELETE') {
      store.records.delete(customerNo);
      return c.body(null, 204);
    }
    const body = await jsonBody(c);
    const invalid = refuseDocument(body, CUSTOMER_FIELDS, CUSTOMER_SERVER_FIELDS, ['customerNo', 'lastName']);
    if (invalid) return invalid;
    if (body.customerNo !== customerNo && store.records.has(body.customerNo)) {
      return problem('customer-number-already-in-use', `The customer number '${body.customerNo}' is already in use.`, {
        customerNo: body.customerNo,
      });
    }
    const before = structuredClone(record.customer);
    const failed = applyCustomer(record, body, realm);
    if (failed) {
      record.customer = before;
      return failed;
    }
    if (body.customerNo !== customerNo) {
      store.records.delete(customerNo);
      store.records.set(record.customer.customerNo, record);
    }
    return c.json(customerDocument(record));
  });

  return app;
}
