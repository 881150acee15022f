import { Hono, type Context } from 'hono';
import { bearerOf, clientIdOf, type Principal, type TokenIssuer } from './auth.js';
import { shopAddressRoutes } from './shop-addresses.js';
import { shopAuthRoutes } from './shop-auth.js';
import { shopCustomerRoutes } from './shop-customers.js';
import type { CustomerRecord, SfccStore } from './store.js';
import { isObject } from './validate.js';
import { faultResponse, normaliseTag } from './wire.js';

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

export type ShopEnv = { Variables: { clientId: string; body: Record<string, unknown> } };

/** What the Shop API's route groups share: the deps, the caller's authorization, hook refusals, ETags. */
export function shopResources(deps: ShopDeps) {
  const { store, issuer, hooks } = deps;
  const takeHook = (c: Context): Response | undefined => {
    const index = hooks.findIndex(
      (h) => h.method.toUpperCase() === c.req.method && (!h.path || c.req.path.includes(h.path)),
    );
    if (index < 0) return undefined;
    const [hook] = hooks.splice(index, 1);
    return faultResponse('hookStatus', `Error in ExtensionPoint '${hook!.extensionPoint}'!`, {
      extensionPoint: hook!.extensionPoint,
      statusCode: hook!.statusCode,
      statusMessage: hook!.statusMessage,
    });
  };

  /** The caller: an Account Manager token (any customer) or a shopper JWT (its own customer only). */
  const authorize = async (c: Context<ShopEnv>, customerId?: string): Promise<Principal | Response> => {
    const token = bearerOf(c);
    if (!token)
      return faultResponse('invalidToken', 'An access token is required: add an Authorization:Bearer header.');
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
  const authorizedCustomer = async (c: Context<ShopEnv>, customerId: string): Promise<CustomerRecord | Response> => {
    const principal = await authorize(c, customerId);
    return principal instanceof Response ? principal : findCustomer(customerId);
  };

  /** The ifMatchFailed fault when the caller's If-Match names another version of `what` (customer or address). */
  const ifMatchRefusal = (c: Context, current: string, what: string): Response | undefined => {
    const header = c.req.header('if-match');
    if (!header || header.trim() === '*' || header.split(',').map(normaliseTag).includes(current)) return undefined;
    return faultResponse('ifMatchFailed', `The If-Match header does not match the current ETag of the ${what}.`);
  };

  return { ...deps, takeHook, authorize, findCustomer, authorizedCustomer, ifMatchRefusal };
}

export type ShopResources = ReturnType<typeof shopResources>;

/**
 * The Shop API customers resource (20.4): registration, shopper auth, customer read/patch with
 * ETags, password change and the address book, each refusing requests without a client id
 * or a valid token as OCAPI does.
 */
export function shopApp(deps: ShopDeps): Hono<ShopEnv> {
  const { issuer } = deps;
  const app = new Hono<ShopEnv>();

  // Every Shop API call names its API client (query or header) and the client must be known.
  app.use('*', async (c, next) => {
    const clientId = clientIdOf(c);
    if (!clientId)
      return faultResponse(
        'missingClientId',
        "Missing client id: add the 'client_id' query parameter or the 'x-dw-client-id' header.",
      );
    if (!issuer.client(clientId))
      return faultResponse('unknownClientId', `Unknown client id '${clientId}'.`, { clientId });
    c.set('clientId', clientId);
    if (['POST', 'PATCH', 'PUT'].includes(c.req.method)) {
      const type = c.req.header('content-type') ?? '';
      if (!/^application\/json/i.test(type))
        return faultResponse('unsupportedMediaType', `Content type '${type}' is not supported; use application/json.`);
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

  const resources = shopResources(deps);
  app.route('/', shopAuthRoutes(resources));
  app.route('/', shopCustomerRoutes(resources));
  app.route('/', shopAddressRoutes(resources));
  return app;
}
