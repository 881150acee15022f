import { Hono } from 'hono';
import { customerDocument, customerEtag } from './shop-documents.js';
import type { ShopEnv, ShopResources } from './shop.js';
import { apply, checkDocument, isObject, validEmail } from './validate.js';
import { documentResponse, faultResponse, ocapiNow } from './wire.js';

/** Registration, one customer (read and patch with ETags; no delete) and the shopper's password change. */
export function shopCustomerRoutes(resources: ShopResources): Hono<ShopEnv> {
  const { store, takeHook, authorize, findCustomer, authorizedCustomer, ifMatchRefusal, minPasswordLength } = resources;
  const app = new Hono<ShopEnv>();

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
    if (principal.kind === 'oauth' && password !== undefined)
      return faultResponse('invalidPassword', 'A password must not be given when registering with OAuth.');
    if (principal.kind === 'shopper' && (typeof password !== 'string' || password === ''))
      return faultResponse('missingPassword', 'The password is missing.');
    const customer = body.customer;
    if (!isObject(customer))
      return faultResponse('invalidDocument', "Property 'customer' is required.", { property: 'customer' });
    const checked = checkDocument('customer', customer);
    if (checked instanceof Response) return checked;
    const email = customer.email;
    if (email === undefined || email === null || email === '')
      return faultResponse('missingEmail', 'The email is missing.');
    if (!validEmail(email)) return faultResponse('invalidEmail', 'The email address is not valid.', { email });
    if (typeof customer.last_name !== 'string' || customer.last_name === '')
      return faultResponse('missingLastName', 'The last name is missing.');
    const login = customer.login;
    if (typeof login !== 'string' || login === '') return faultResponse('missingLogin', 'The login is missing.');
    if (/\s/.test(login)) return faultResponse('invalidLogin', "The login doesn't match the acceptance criteria.");
    if (typeof password === 'string' && password.length < minPasswordLength) {
      return faultResponse('invalidPassword', "The password doesn't match the acceptance criteria.");
    }
    if (store.byLogin(login)) return faultResponse('loginInUse', 'Login is already in use.');
    const hook = takeHook(c);
    if (hook) return hook;
    // Registration stores the credentials, last name and email only; the rest is PATCHed later.
    const record = store.insert(
      {
        login,
        email,
        last_name: customer.last_name,
        ...(principal.kind === 'shopper' ? { customer_id: principal.customerId } : {}),
      },
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
    return documentResponse(customerDocument(record, expand.includes('addresses')), 200, {
      etag: customerEtag(record),
    });
  });

  app.patch('/customers/:customerId', async (c) => {
    const customerId = c.req.param('customerId');
    const record = await authorizedCustomer(c, customerId);
    if (record instanceof Response) return record;
    const stale = ifMatchRefusal(c, customerEtag(record), 'customer');
    if (stale) return stale;
    const checked = checkDocument('customer', c.get('body'));
    if (checked instanceof Response) return checked;
    if (checked.has('email') && checked.get('email') === undefined)
      return faultResponse('missingEmail', 'The email cannot be removed.');
    if (checked.has('last_name') && checked.get('last_name') === undefined)
      return faultResponse('missingLastName', 'The last name cannot be removed.');
    const hook = takeHook(c);
    if (hook) return hook;
    // This resource cannot change login credentials (the login is ignored, as on OCAPI).
    apply(record.customer, checked, new Set(['login']));
    record.customer.last_modified = ocapiNow();
    return documentResponse(customerDocument(record, false), 200, { etag: customerEtag(record) });
  });

  // The Shop API has no customer deletion (nor PUT on a customer).
  app.on(['DELETE', 'PUT'], '/customers/:customerId', (c) =>
    faultResponse(
      'methodNotAllowed',
      `Method '${c.req.method}' is not allowed for resource '/customers/{customer_id}'.`,
    ),
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
      if (typeof body[property] !== 'string')
        return faultResponse('missingParameter', `Property '${property}' is required.`, { property });
    }
    const refuse = (statusCode: string, statusMessage: string) =>
      faultResponse('hookStatus', "Error in ExtensionPoint 'dw.ocapi.shop.customer.putPassword'!", {
        extensionPoint: 'dw.ocapi.shop.customer.putPassword',
        statusCode,
        statusMessage,
      });
    if (body.current_password !== record.password)
      return refuse('CREDENTIALS_INVALID', 'The current password is not correct.');
    if ((body.password as string).length === 0)
      return refuse('The new password is empty.', 'The new password is empty.');
    if ((body.password as string).length < minPasswordLength)
      return refuse('PASSWORD_POLICY', "The new password doesn't match the acceptance criteria.");
    const hook = takeHook(c);
    if (hook) return hook;
    record.password = body.password as string;
    record.customer.last_modified = ocapiNow();
    return c.body(null, 204);
  });

  return app;
}
