import { Hono, type Context } from 'hono';
import { basicCredentials, bearerOf } from './auth.js';
import type { ScapiRealm } from './admin.js';
import { oauthError } from './wire.js';

/** Authorization codes live this long (SLAS: short-lived, single use). */
const CODE_SECONDS = 600;

const base64url = (bytes: ArrayBuffer) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const challengeOf = async (verifier: string) =>
  base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));

type Form = Record<string, string>;
async function formOf(c: Context): Promise<Form | undefined> {
  if (!(c.req.header('content-type') ?? '').includes('application/x-www-form-urlencoded')) return undefined;
  const body = await c.req.parseBody().catch(() => undefined);
  return (
    body && Object.fromEntries(Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string'))
  );
}

/**
 * SLAS for one private client: `/login` (B2C Commerce credentials, PKCE), `/token`
 * (client_credentials guest tokens, authorization_code_pkce, refresh_token) and `/logout`.
 * Errors are OAuth 2 error bodies, as the SLAS spec documents them.
 */
export function slasApp(realm: ScapiRealm): Hono {
  const app = new Hono();
  const { tokens, store } = realm;
  const codes = new Map<
    string,
    { customerId: string; challenge: string; redirectUri: string; usid: string; expiresAt: number }
  >();
  const badClient = () => oauthError(400, 'invalid_request', 'Bad or missing client_id.');
  const badChannel = () => oauthError(400, 'invalid_request', 'Bad or missing channel_id.');
  /** A private client may authenticate with Basic or x-slas-client-auth; a wrong secret is refused. */
  const clientAuth = (c: Context): 'ok' | 'absent' | 'wrong' => {
    const header = c.req.header('x-slas-client-auth');
    const creds = header ? basicCredentials(`Basic ${header}`) : basicCredentials(c.req.header('authorization'));
    if (!creds) return 'absent';
    return creds.user === tokens.client.id && creds.password === tokens.client.secret ? 'ok' : 'wrong';
  };

  const tokenResponse = async (c: Context, customerId: string | undefined, usid?: string) => {
    const issued = await tokens.issueShopperTokens(customerId, usid);
    return c.json({
      access_token: issued.accessToken,
      id_token: '',
      refresh_token: issued.refreshToken,
      expires_in: issued.expiresIn,
      refresh_token_expires_in: 30 * 24 * 3600,
      token_type: 'Bearer',
      usid: issued.usid,
      customer_id: customerId ?? `guest-${issued.usid.slice(0, 8)}`,
      enc_user_id: '',
      idp_access_token: '',
    });
  };

  app.post('/login', async (c) => {
    const form = await formOf(c);
    if (!form || form.client_id !== tokens.client.id) return badClient();
    if (form.channel_id !== realm.siteId) return badChannel();
    if (form.redirect_uri !== realm.redirectUri)
      return oauthError(400, 'invalid_request', 'redirect_uri is not registered for the client.');
    if (!form.code_challenge || form.code_challenge.length < 43 || form.code_challenge.length > 128)
      return oauthError(400, 'invalid_request', 'Bad or missing code_challenge.');
    if (c.req.header('x-slas-client-auth') && clientAuth(c) !== 'ok')
      return oauthError(401, 'invalid_client', 'Authorization failed.');
    const shopper = basicCredentials(c.req.header('authorization'));
    const record = shopper && store.byLogin(shopper.user);
    if (
      !record ||
      record.password === undefined ||
      record.password !== shopper.password ||
      !record.customer.credentials.enabled
    ) {
      return oauthError(401, 'invalid_client', 'Basic Authorization failed.');
    }
    const code = crypto.randomUUID().replaceAll('-', '');
    const usid = form.usid ?? crypto.randomUUID();
    codes.set(code, {
      customerId: record.customer.customerId,
      challenge: form.code_challenge,
      redirectUri: form.redirect_uri,
      usid,
      expiresAt: Date.now() + CODE_SECONDS * 1000,
    });
    const location = new URL(form.redirect_uri);
    location.searchParams.set('code', code);
    location.searchParams.set('usid', usid);
    if (form.state) location.searchParams.set('state', form.state);
    return c.body(null, 303, { location: location.toString() });
  });

  app.post('/token', async (c) => {
    const form = await formOf(c);
    if (!form) return oauthError(400, 'invalid_request', 'The body must be application/x-www-form-urlencoded.');
    const auth = clientAuth(c);
    if (auth === 'wrong') return oauthError(401, 'invalid_client', 'Authorization failed.');
    if (form.channel_id !== undefined && form.channel_id !== realm.siteId) return badChannel();
    switch (form.grant_type) {
      case 'client_credentials':
        // A private client's guest token: the client authenticates itself.
        if (auth !== 'ok') return oauthError(401, 'invalid_client', 'Authorization failed.');
        return tokenResponse(c, undefined);
      case 'authorization_code_pkce': {
        if (form.client_id !== undefined && form.client_id !== tokens.client.id) return badClient();
        const entry = form.code ? codes.get(form.code) : undefined;
        if (form.code) codes.delete(form.code);
        if (!entry || entry.expiresAt < Date.now() || entry.redirectUri !== form.redirect_uri)
          return oauthError(400, 'invalid_grant', 'Bad or missing authorization code.');
        if (!form.code_verifier || (await challengeOf(form.code_verifier)) !== entry.challenge)
          return oauthError(400, 'invalid_grant', 'The code_verifier does not match the code_challenge.');
        return tokenResponse(c, entry.customerId, entry.usid);
      }
      case 'refresh_token': {
        if (form.client_id !== undefined && form.client_id !== tokens.client.id) return badClient();
        const entry = form.refresh_token ? tokens.takeRefreshToken(form.refresh_token) : undefined;
        if (!entry) return oauthError(400, 'invalid_grant', 'Bad or missing refresh token.');
        return tokenResponse(c, entry.customerId, entry.usid);
      }
      default:
        return oauthError(400, 'unsupported_grant_type', 'The grant_type is not supported.');
    }
  });

  app.get('/logout', async (c) => {
    if (c.req.query('client_id') !== tokens.client.id) return badClient();
    const principal = await tokens.resolve(bearerOf(c));
    if (principal instanceof Response || principal.kind !== 'shopper')
      return oauthError(400, 'invalid_request', 'Bad or missing access token.');
    tokens.revoke(principal.jti, c.req.query('refresh_token'));
    return c.json({
      access_token: '',
      id_token: 'null',
      refresh_token: '',
      expires_in: 0,
      refresh_token_expires_in: 0,
      token_type: 'Bearer',
      usid: 'null',
      customer_id: 'null',
      enc_user_id: 'null',
      idp_access_token: '',
      idp_refresh_token: 'null',
      dnt: 'null',
    });
  });

  return app;
}
