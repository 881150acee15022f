import { Hono, type Context } from 'hono';
import { basicCredentials, bearerOf, clientIdOf, type Principal, type TokenIssuer } from './auth.js';
import { type CustomerRecord, type OcapiAddress, type SfccStore, sortedAddresses } from './store.js';
import { apply, checkDocument, isObject, validEmail } from './validate.js';
import { documentResponse, etagOf, FAULT, faultOf, faultResponse, normaliseTag, OCAPI_VERSION, ocapiNow } from './wire.js';

/** A customization hook that refuses the next matching write (HookStatusException). */
export interface HookFailure {
  method: string;
  /** Substring of the request path; default any. */
  path?: string;
  extensionPoint: string;
  statusCode: string;
  statusMessage: string;
}

export interface ShopDeps {
  store: SfccStore;
  issuer: TokenIssuer;
  hooks: HookFailure[];
  /** e.g. /s/SiteGenesis/dw/shop/v20_4, for Location and next/previous links. */
  basePath: string;
  /** Shortest password the site's policy accepts. */
  minPasswordLength: number;
}

type Env = { Variables: { clientId: string; body: Record<string, unknown> } };

/** The documents OCAPI answers with. */
export function customerDocument(record: CustomerRecord, expandAddresses: boolean): Record<string, unknown> {
  const doc: Record<string, unknown> = { _v: OCAPI_VERSION, _type: 'customer', ...structuredClone(record.customer) };
  if (expandAddresses && record.addresses.size > 0) doc.addresses = sortedAddresses(record).map((a) => addressDocument(a, false));
  return doc;
}

export function addressDocument(address: OcapiAddress, withVersion = true): Record<string, unknown> {
  return { ...(withVersion ? { _v: OCAPI_VERSION } : {}), _type: 'customer_address', ...structuredClone(address) };
}

const customerEtag = (record: CustomerRecord) => etagOf(record.customer);
const addressEtag = (address: OcapiAddress) => etagOf(address);

/**
 * The Shop API customers resource (20.4): registration, shopper auth, customer read/patch with
 * ETags, password change and the address book, each refusing requests without a client id
 * or a valid token as OCAPI does.
 */
export function shopApp(deps: ShopDeps): Hono<Env> {
  const { store, issuer, hooks } = deps;
  const app = new Hono<Env>();

  // Every Shop API call names its API client (query or header) and the client must be known.
  app.use('*', async (c, next) => {
    const clientId = clientIdOf(c);
    if (!clientId) return faultResponse('missingClientId', "Missing client id: add the 'client_id' query parameter or the 'x-dw-client-id' header.");
    if (!issuer.client(clientId)) return faultResponse('unknownClientId', `Unknown client id '${clientId}'.`, { clientId });
    c.set('clientId', clientId);
    if (['POST', 'PATCH', 'PUT'].includes(c.req.method)) {
      const type = c.req.header('content-type') ?? '';
      if (!/^application\/json/i.test(type)) return faultResponse('unsupportedMediaType', `Content type '${type}' is not supported; use application/json.`);
      const text = await c.req.text();
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        return faultResponse('invalidDocument', 'The request body is not a valid JSON document.');
      }
      if (!isObject(body)) return faultResponse('invalidDocument', 'The request body must be a JSON object.');
      c.set('body', body);
    }
    return next();
  });

  const takeHook = (c: Context): Response | undefined => {
    const index = hooks.findIndex((h) => h.method.toUpperCase() === c.req.method && (!h.path || c.req.path.includes(h.path)));
    if (index < 0) return undefined;
    const [hook] = hooks.splice(index, 1);
    return faultResponse('hookStatus', `Error in ExtensionPoint '${hook!.extensionPoint}'!`, {
      extensionPoint: hook!.extensionPoint,
      statusCode: hook!.statusCode,
      statusMessage: hook!.statusMessage,
    });
  };

  /** The caller: an Account Manager token (any customer) or a shopper JWT (its own customer only). */
  const authorize = async (c: Context<Env>, customerId?: string): Promise<Principal | Response> => {
    const token = bearerOf(c);
    if (!token) return faultResponse('invalidToken', 'An access token is required: add an Authorization:Bearer header.');
    const principal = await issuer.resolve(token, c.get('clientId'));
    if (principal instanceof Response) return principal;
    if (customerId !== undefined && principal.kind === 'shopper' && principal.customerId !== customerId) {
      return faultResponse('invalidCustomer', 'Invalid customer.');
    }
    return principal;
  };

  const findCustomer = (customerId: string): CustomerRecord | Response =>
    store.records.get(customerId) ??
    faultResponse('customerNotFound', `No customer with id '${customerId}' found for site.`, { customerId });

  /** The preamble of every per-customer resource: the caller may act on this customer, and it exists. */
  const authorizedCustomer = async (c: Context<Env>, customerId: string): Promise<CustomerRecord | Response> => {
    const principal = await authorize(c, customerId);
    return principal instanceof Response ? principal : findCustomer(customerId);
  };

  const ifMatchFails = (c: Context, current: string): boolean => {
    const header = c.req.header('if-match');
    if (!header || header.trim() === '*') return false;
    return !header.split(',').map(normaliseTag).includes(current);
  };

  // --- shopper authentication -------------------------------------------------------------

  app.post('/customers/auth', async (c) => {
    const body = c.get('body');
    const type = body.type;
    const clientId = c.get('clientId');
    const withToken = (token: string, doc: Record<string, unknown>) => documentResponse(doc, 200, { authorization: `Bearer ${token}` });
    if (type === 'guest') {
      const customerId = store.newId();
      const token = await issuer.issueShopperToken(clientId, customerId, 'guest');
      return withToken(token, { _v: OCAPI_VERSION, _type: 'customer', auth_type: 'guest', customer_id: customerId, preferred_locale: 'default' });
    }
    if (type === 'credentials') {
      const basic = basicCredentials(c);
      if (!basic) return faultResponse('basicMissing', 'Missing credentials: Add a Authorization:Basic header with base64 encoded username:password.');
      const record = store.byLogin(basic.user);
      if (!record || record.password === undefined || record.password !== basic.password || !record.customer.enabled) {
        return faultResponse('authenticationFailed', 'Failed to authenticate customer on base of Authorization:Basic header.');
      }
      record.customer.last_login_time = ocapiNow();
      const token = await issuer.issueShopperToken(clientId, record.customer.customer_id, 'registered');
      return withToken(token, customerDocument(record, false));
    }
    if (type === 'refresh') {
      const bearer = bearerOf(c);
      if (!bearer) return faultResponse('invalidToken', 'A token to refresh is required.');
      const principal = await issuer.resolve(bearer, clientId);
      if (principal instanceof Response) return principal;
      if (principal.kind !== 'shopper') return faultResponse('invalidToken', 'Only shopper tokens can be refreshed.');
      issuer.revokeShopperToken(principal.jti);
      const token = await issuer.issueShopperToken(clientId, principal.customerId, principal.authType);
      const record = store.records.get(principal.customerId);
      return withToken(token, record ? customerDocument(record, false) : { _v: OCAPI_VERSION, _type: 'customer', auth_type: 'guest', customer_id: principal.customerId });
    }
    if (type === 'session') return faultResponse('authenticationFailed', 'Failed to authenticate customer on base of session.');
    return faultResponse('missingParameter', "Property 'type' must be one of guest, credentials, refresh, session.", { property: 'type' });
  });

  app.delete('/customers/auth', async (c) => {
    const bearer = bearerOf(c);
    if (!bearer) return faultResponse('invalidToken', 'The JWT to invalidate is required.');
    const principal = await issuer.resolve(bearer, c.get('clientId'));
    if (principal instanceof Response) return principal;
    if (principal.kind === 'shopper') issuer.revokeShopperToken(principal.jti);
    return c.body(null, 204);
  });

  // --- server-side password reset (20.4: OAuth, no hooks) --------------------------------------

  const resetTokens = new Map<string, { customerId: string; expiresAt: number }>();

  app.post('/customers/password/actions/create_reset_token', async (c) => {
    // 20.4 security: Account Manager token or client id alone; a token given must be valid.
    if (bearerOf(c)) {
      const principal = await authorize(c);
      if (principal instanceof Response) return principal;
      if (principal.kind !== 'oauth') return faultResponse('clientForbidden', 'Reset tokens are issued to API clients only.');
    }
    const login = c.get('body').login;
    if (typeof login !== 'string' || login === '') return faultResponse('missingLogin', 'The login is missing.');
    const record = store.byLogin(login);
    if (!record) return faultOf(400, FAULT.customerNotFound[0], `No customer with login '${login}' found for site.`, { login });
    const token = crypto.randomUUID().replaceAll('-', '');
    resetTokens.set(token, { customerId: record.customer.customer_id, expiresAt: Date.now() + 30 * 60_000 });
    return documentResponse({ _v: OCAPI_VERSION, _type: 'reset_password_token_result', email: record.customer.email, expires_in_minutes: 30, login: record.customer.login, reset_token: token });
  });

  app.post('/customers/password/actions/reset', async (c) => {
    if (bearerOf(c)) {
      const principal = await authorize(c);
      if (principal instanceof Response) return principal;
    }
    const body = c.get('body');
    if (typeof body.login !== 'string' || body.login === '') return faultResponse('missingLogin', 'The login is missing.');
    if (typeof body.reset_token !== 'string' || body.reset_token === '') return faultResponse('missingParameter', "Property 'reset_token' is required.", { property: 'reset_token' });
    if (typeof body.new_password !== 'string') return faultResponse('missingPassword', 'The new password is missing.');
    const record = store.byLogin(body.login);
    const entry = resetTokens.get(body.reset_token);
    if (!record || !entry || entry.customerId !== record.customer.customer_id || entry.expiresAt < Date.now()) {
      return faultResponse('invalidResetToken', 'The reset token is not valid for this login.');
    }
    if (body.new_password.length < deps.minPasswordLength) return faultResponse('invalidPassword', "The password doesn't match the acceptance criteria.");
    resetTokens.delete(body.reset_token);
    record.password = body.new_password;
    record.customer.last_modified = ocapiNow();
    return c.body(null, 204);
  });

  // --- registration -----------------------------------------------------------------------

  app.post('/customers', async (c) => {
    const principal = await authorize(c);
    if (principal instanceof Response) return principal;
    const body = c.get('body');
    const password = body.password;
    if (principal.kind === 'shopper' && principal.authType === 'registered') {
      return faultResponse('alreadyRegistered', 'The customer is already registered.');
    }
    // OAuth registrations carry no password; JWT (guest) registrations must.
    if (principal.kind === 'oauth' && password !== undefined) return faultResponse('invalidPassword', 'A password must not be given when registering with OAuth.');
    if (principal.kind === 'shopper' && (typeof password !== 'string' || password === '')) return faultResponse('missingPassword', 'The password is missing.');
    const customer = body.customer;
    if (!isObject(customer)) return faultResponse('invalidDocument', "Property 'customer' is required.", { property: 'customer' });
    const checked = checkDocument('customer', customer);
    if (checked instanceof Response) return checked;
    const email = customer.email;
    if (email === undefined || email === null || email === '') return faultResponse('missingEmail', 'The email is missing.');
    if (!validEmail(email)) return faultResponse('invalidEmail', 'The email address is not valid.', { email });
    if (typeof customer.last_name !== 'string' || customer.last_name === '') return faultResponse('missingLastName', 'The last name is missing.');
    const login = customer.login;
    if (typeof login !== 'string' || login === '') return faultResponse('missingLogin', 'The login is missing.');
    if (/\s/.test(login)) return faultResponse('invalidLogin', "The login doesn't match the acceptance criteria.");
    if (typeof password === 'string' && password.length < deps.minPasswordLength) {
      return faultResponse('invalidPassword', "The password doesn't match the acceptance criteria.");
    }
    if (store.byLogin(login)) return faultResponse('loginInUse', 'Login is already in use.');
    const hook = takeHook(c);
    if (hook) return hook;
    // Registration stores the credentials, last name and email only; the rest is PATCHed later.
    const record = store.insert(
      { login, email, last_name: customer.last_name, ...(principal.kind === 'shopper' ? { customer_id: principal.customerId } : {}) },
      typeof password === 'string' ? password : undefined,
    );
    return documentResponse(customerDocument(record, false), 200, { etag: customerEtag(record) });
  });

  // --- one customer -----------------------------------------------------------------------

  app.get('/customers/:customerId', async (c) => {
    const customerId = c.req.param('customerId');
    const record = await authorizedCustomer(c, customerId);
    if (record instanceof Response) return record;
    const expand = (c.req.queries('expand') ?? []).flatMap((e) => e.split(','));
    return documentResponse(customerDocument(record, expand.includes('addresses')), 200, { etag: customerEtag(record) });
  });

  app.patch('/customers/:customerId', async (c) => {
    const customerId = c.req.param('customerId');
    const record = await authorizedCustomer(c, customerId);
    if (record instanceof Response) return record;
    if (ifMatchFails(c, customerEtag(record))) return faultResponse('ifMatchFailed', 'The If-Match header does not match the current ETag of the customer.');
    const checked = checkDocument('customer', c.get('body'));
    if (checked instanceof Response) return checked;
    if (checked.has('email') && checked.get('email') === undefined) return faultResponse('missingEmail', 'The email cannot be removed.');
    if (checked.has('last_name') && checked.get('last_name') === undefined) return faultResponse('missingLastName', 'The last name cannot be removed.');
    const hook = takeHook(c);
    if (hook) return hook;
    // This resource cannot change login credentials (the login is ignored, as on OCAPI).
    apply(record.customer, checked, new Set(['login']));
    record.customer.last_modified = ocapiNow();
    return documentResponse(customerDocument(record, false), 200, { etag: customerEtag(record) });
  });

  // The Shop API has no customer deletion (nor PUT on a customer).
  app.on(['DELETE', 'PUT'], '/customers/:customerId', (c) =>
    faultResponse('methodNotAllowed', `Method '${c.req.method}' is not allowed for resource '/customers/{customer_id}'.`),
  );

  app.put('/customers/:customerId/password', async (c) => {
    const customerId = c.req.param('customerId');
    const principal = await authorize(c, customerId);
    if (principal instanceof Response) return principal;
    // 20.4 allows this resource for shopper JWTs only (security: customers_auth).
    if (principal.kind !== 'shopper' || principal.authType !== 'registered') {
      return faultResponse('clientForbidden', 'Changing a password needs the JWT of the registered customer.');
    }
    const record = findCustomer(customerId);
    if (record instanceof Response) return record;
    const body = c.get('body');
    for (const property of ['current_password', 'password']) {
      if (typeof body[property] !== 'string') return faultResponse('missingParameter', `Property '${property}' is required.`, { property });
    }
    const refuse = (statusCode: string, statusMessage: string) =>
      faultResponse('hookStatus', "Error in ExtensionPoint 'dw.ocapi.shop.customer.putPassword'!", {
        extensionPoint: 'dw.ocapi.shop.customer.putPassword',
        statusCode,
        statusMessage,
      });
    if (body.current_password !== record.password) return refuse('CREDENTIALS_INVALID', 'The current password is not correct.');
    if ((body.password as string).length === 0) return refuse('The new password is empty.', 'The new password is empty.');
    if ((body.password as string).length < deps.minPasswordLength) return refuse('PASSWORD_POLICY', "The new password doesn't match the acceptance criteria.");
    const hook = takeHook(c);
    if (hook) return hook;
    record.password = body.password as string;
    record.customer.last_modified = ocapiNow();
    return c.body(null, 204);
  });

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
      return faultResponse('parameterConstraint', "Query parameter 'start' must be an integer from 0 to 999.", { parameter: 'start' });
    }
    if (!Number.isInteger(count) || count < 1 || count > 200) {
      return faultResponse('parameterConstraint', "Query parameter 'count' must be an integer from 1 to 200.", { parameter: 'count' });
    }
    const all = sortedAddresses(record);
    const data = all.slice(start, start + count).map((a) => ({ ...addressDocument(a, false), etag: addressEtag(a) }));
    const doc: Record<string, unknown> = { _v: OCAPI_VERSION, _type: 'customer_address_result', count: data.length, data, start, total: all.length };
    // next/previous links only when the caller asked for a page.
    if (rawStart !== undefined || rawCount !== undefined) {
      const link = (s: number) => `${new URL(c.req.url).origin}${deps.basePath}/customers/${customerId}/addresses?count=${count}&start=${s}`;
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
    if (typeof name !== 'string' || name.trim() === '') return faultResponse('invalidAddressId', 'The address name is not provided or blank.', { addressId: String(name ?? '') });
    const checked = checkDocument('customer_address', body);
    if (checked instanceof Response) return checked;
    if (record.addresses.has(name)) return faultResponse('addressNameInUse', 'Customer address id is already in use.', { addressId: name });
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
    if (ifMatchFails(c, addressEtag(address))) return faultResponse('ifMatchFailed', 'The If-Match header does not match the current ETag of the address.');
    const checked = checkDocument('customer_address', c.get('body'));
    if (checked instanceof Response) return checked;
    const newName = checked.get('address_id');
    if (checked.has('address_id') && (typeof newName !== 'string' || newName.trim() === '')) {
      return faultResponse('invalidAddressId', 'The address name is not provided or blank.', { addressId: '' });
    }
    const renamed = typeof newName === 'string' && newName !== addressName;
    if (renamed && record.addresses.has(newName)) return faultResponse('addressIdInUse', 'The new address name is already used for the customer.', { addressId: newName });
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
    headers.location = `${deps.basePath}/customers/${customerId}/addresses/${encodeURIComponent(newName)}`;
    return documentResponse(addressDocument(address), 301, headers);
  });

  app.delete('/customers/:customerId/addresses/:addressName', async (c) => {
    const { customerId, addressName } = c.req.param();
    const record = await authorizedCustomer(c, customerId);
    if (record instanceof Response) return record;
    if (!record.addresses.has(addressName)) return faultResponse('notFound', `Customer address '${addressName}' not found.`);
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
