import { Hono } from 'hono';
import { basicCredentials, bearerOf } from './auth.js';
import { customerDocument } from './shop-documents.js';
import type { ShopEnv, ShopResources } from './shop.js';
import { documentResponse, FAULT, faultOf, faultResponse, OCAPI_VERSION, ocapiNow } from './wire.js';

/** Shopper authentication (/customers/auth) and the server-side password reset (20.4: OAuth, no hooks). */
export function shopAuthRoutes(resources: ShopResources): Hono<ShopEnv> {
  const { store, issuer, authorize, minPasswordLength } = resources;
  const app = new Hono<ShopEnv>();

  // --- shopper authentication -------------------------------------------------------------

  app.post('/customers/auth', async (c) => {
    const body = c.get('body');
    const type = body.type;
    const clientId = c.get('clientId');
    const withToken = (token: string, doc: Record<string, unknown>) =>
      documentResponse(doc, 200, { authorization: `Bearer ${token}` });
    if (type === 'guest') {
      const customerId = store.newId();
      const token = await issuer.issueShopperToken(clientId, customerId, 'guest');
      return withToken(token, {
        _v: OCAPI_VERSION,
        _type: 'customer',
        auth_type: 'guest',
        customer_id: customerId,
        preferred_locale: 'default',
      });
    }
    if (type === 'credentials') {
      const basic = basicCredentials(c);
      if (!basic)
        return faultResponse(
          'basicMissing',
          'Missing credentials: Add a Authorization:Basic header with base64 encoded username:password.',
        );
      const record = store.byLogin(basic.user);
      if (!record || record.password === undefined || record.password !== basic.password || !record.customer.enabled) {
        return faultResponse(
          'authenticationFailed',
          'Failed to authenticate customer on base of Authorization:Basic header.',
        );
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
      return withToken(
        token,
        record
          ? customerDocument(record, false)
          : { _v: OCAPI_VERSION, _type: 'customer', auth_type: 'guest', customer_id: principal.customerId },
      );
    }
    if (type === 'session')
      return faultResponse('authenticationFailed', 'Failed to authenticate customer on base of session.');
    return faultResponse('missingParameter', "Property 'type' must be one of guest, credentials, refresh, session.", {
      property: 'type',
    });
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
      if (principal.kind !== 'oauth')
        return faultResponse('clientForbidden', 'Reset tokens are issued to API clients only.');
    }
    const login = c.get('body').login;
    if (typeof login !== 'string' || login === '') return faultResponse('missingLogin', 'The login is missing.');
    const record = store.byLogin(login);
    if (!record)
      return faultOf(400, FAULT.customerNotFound[0], `No customer with login '${login}' found for site.`, { login });
    const token = crypto.randomUUID().replaceAll('-', '');
    resetTokens.set(token, { customerId: record.customer.customer_id, expiresAt: Date.now() + 30 * 60_000 });
    return documentResponse({
      _v: OCAPI_VERSION,
      _type: 'reset_password_token_result',
      email: record.customer.email,
      expires_in_minutes: 30,
      login: record.customer.login,
      reset_token: token,
    });
  });

  app.post('/customers/password/actions/reset', async (c) => {
    if (bearerOf(c)) {
      const principal = await authorize(c);
      if (principal instanceof Response) return principal;
    }
    const body = c.get('body');
    if (typeof body.login !== 'string' || body.login === '')
      return faultResponse('missingLogin', 'The login is missing.');
    if (typeof body.reset_token !== 'string' || body.reset_token === '')
      return faultResponse('missingParameter', "Property 'reset_token' is required.", { property: 'reset_token' });
    if (typeof body.new_password !== 'string') return faultResponse('missingPassword', 'The new password is missing.');
    const record = store.byLogin(body.login);
    const entry = resetTokens.get(body.reset_token);
    if (!record || !entry || entry.customerId !== record.customer.customer_id || entry.expiresAt < Date.now()) {
      return faultResponse('invalidResetToken', 'The reset token is not valid for this login.');
    }
    if (body.new_password.length < minPasswordLength)
      return faultResponse('invalidPassword', "The password doesn't match the acceptance criteria.");
    resetTokens.delete(body.reset_token);
    record.password = body.new_password;
    record.customer.last_modified = ocapiNow();
    return c.body(null, 204);
  });

  return app;
}
