import { Hono, type Context } from 'hono';
import { bearerOf, requireAm, type Principal } from './auth.js';
import type { ScapiRealm } from './admin.js';
import type { CustomerRecord } from './store.js';
import { CUSTOMER_FIELDS, CUSTOMER_SERVER_FIELDS, problem, refuseDocument, utf8Bytes } from './wire.js';

/** The shortest password the emulated site accepts (a site preference on a real instance). */
export const MIN_PASSWORD_LENGTH = 8;
const RESET_TOKEN_MINUTES = 30;

/** A customer as Shopper Customers answers it (its own `Customer` schema: `login`, `authType`, …). */
function shopperDocument(record: CustomerRecord): Record<string, unknown> {
  const { credentials, primaryAddressId: _primary, ...customer } = structuredClone(record.customer);
  return {
    ...customer,
    login: credentials.login,
    enabled: credentials.enabled,
    authType: 'registered',
    hasPassword: record.password !== undefined,
    emailVerified: false,
  };
}

/**
 * Shopper Customers: registration (guest shopper token), the shopper's own customer and password
 * change (registered shopper token), and the server-side password reset actions (Account Manager
 * token with `sfcc.shopper-customers.login`). Every route takes `siteId`.
 */
export function shopperCustomersApp(realm: ScapiRealm): Hono {
  const app = new Hono();
  const { store, tokens } = realm;
  const resetTokens = new Map<string, { login: string; expiresAt: number }>();

  /** Organization and site preamble; answers the principal of the bearer token. */
  const guard = async (c: Context): Promise<Principal | Response> => {
    if (c.req.param('org') !== realm.organizationId)
      return problem('not-found', `No organization with ID '${c.req.param('org')}' could be found.`);
    if (c.req.query('siteId') !== realm.siteId) return problem('invalid-query-parameter', 'Bad or missing siteId.');
    return tokens.resolve(bearerOf(c));
  };
  const weak = (password: unknown) =>
    typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH || utf8Bytes(password) > 4096;
  const invalidPassword = () =>
    problem('invalid-password', `The password must have at least ${MIN_PASSWORD_LENGTH} characters.`, {
      property: 'password',
    });

  app.post('/customers', async (c) => {
    const principal = await guard(c);
    if (principal instanceof Response) return principal;
    if (principal.kind !== 'shopper' || principal.customerId)
      return problem('invalid-access-token', 'Registration takes a guest shopper token.');
    const body = await c.req.json().catch(() => undefined);
    const customer = body?.customer;
    if (!customer || typeof customer !== 'object') return problem('invalid-customer', 'The customer is invalid.');
    const { login, ...fields } = customer as Record<string, unknown>;
    const invalid = refuseDocument(fields, CUSTOMER_FIELDS, CUSTOMER_SERVER_FIELDS, ['lastName', 'email']);
    if (invalid) return invalid;
    if (typeof login !== 'string' || login === '' || utf8Bytes(login) > 256)
      return problem('invalid-property', "The property 'login' is invalid.", { property: 'login' });
    if (weak(body.password)) return invalidPassword();
    if (store.byLogin(login))
      return problem('login-already-in-use', `The login '${login}' is already in use.`, { login });
    const record = store.insert(
      { ...(fields as { lastName: string }), customerNo: store.nextCustomerNo(), credentials: { login } },
      body.password,
    );
    return c.json(shopperDocument(record));
  });

  app.post('/customers/password/actions/create-reset-token', async (c) => {
    const refused = await guard(c);
    if (refused instanceof Response) return refused;
    const principal = await requireAm(c, tokens, ['sfcc.shopper-customers.login']);
    if (principal instanceof Response) return principal;
    const body = await c.req.json().catch(() => undefined);
    const record = typeof body?.login === 'string' ? store.byLogin(body.login) : undefined;
    if (!record) return problem('customer-not-found', 'No customer with this login could be found.');
    const resetToken = crypto.randomUUID().replaceAll('-', '');
    resetTokens.set(resetToken, {
      login: record.customer.credentials.login,
      expiresAt: Date.now() + RESET_TOKEN_MINUTES * 60_000,
    });
    return c.json({
      login: record.customer.credentials.login,
      email: record.customer.email ?? '',
      resetToken,
      expiresInMinutes: RESET_TOKEN_MINUTES,
    });
  });

  app.post('/customers/password/actions/reset', async (c) => {
    const refused = await guard(c);
    if (refused instanceof Response) return refused;
    const principal = await requireAm(c, tokens, ['sfcc.shopper-customers.login']);
    if (principal instanceof Response) return principal;
    const body = await c.req.json().catch(() => undefined);
    const entry = typeof body?.resetToken === 'string' ? resetTokens.get(body.resetToken) : undefined;
    if (
      !entry ||
      entry.expiresAt < Date.now() ||
      typeof body.login !== 'string' ||
      entry.login.toLowerCase() !== body.login.toLowerCase()
    ) {
      return problem('invalid-reset-token', 'The reset token is invalid or expired.');
    }
    if (weak(body.newPassword)) return invalidPassword();
    resetTokens.delete(body.resetToken);
    store.byLogin(entry.login)!.password = body.newPassword;
    return c.body(null, 204);
  });

  /** The shopper's own customer: a registered token whose customer is the one in the path. */
  const ownCustomer = async (c: Context): Promise<CustomerRecord | Response> => {
    const principal = await guard(c);
    if (principal instanceof Response) return principal;
    const mismatch = () =>
      problem(
        'invalid-customer',
        'CustomerId URL parameter does not match the verified customer represented by the JWT token.',
      );
    if (principal.kind !== 'shopper' || principal.customerId !== c.req.param('customerId')) return mismatch();
    const record = principal.customerId === undefined ? undefined : store.byCustomerId(principal.customerId);
    return (
      record ??
      problem('not-found', `No customer with ID '${principal.customerId}' could be found.`, {
        customerId: principal.customerId,
      })
    );
  };

  app.get('/customers/:customerId', async (c) => {
    const record = await ownCustomer(c);
    return record instanceof Response ? record : c.json(shopperDocument(record));
  });

  app.put('/customers/:customerId/password', async (c) => {
    const record = await ownCustomer(c);
    if (record instanceof Response) return record;
    const body = await c.req.json().catch(() => undefined);
    if (typeof body?.currentPassword !== 'string' || body.currentPassword !== record.password) {
      return problem('invalid-password', 'The current password is not correct.', { property: 'currentPassword' });
    }
    if (weak(body.password)) return invalidPassword();
    record.password = body.password;
    return c.body(null, 204);
  });

  return app;
}
