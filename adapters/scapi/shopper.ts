import { GatewayError } from '../errors.js';
import type { CallContext } from '../types.js';
import { basicAuth, type ScapiClient } from './client.js';
import type { ErrorScope } from './errors.js';
import { ResetTokenSchema, ShopperCustomerSchema, SlasTokenSchema } from './upstream.js';

/**
 * The flows that need SLAS or Shopper Customers: a guest token to register with a password, a
 * shopper session (private-client login with PKCE) to change a password with the current one or
 * to authenticate a shopper, and the Account-Manager-token reset actions to set a password
 * administratively. Tokens and passwords stay inside these functions; nothing logs them.
 */

export interface ShopperSession {
  accessToken: string;
  refreshToken: string;
  /** SCAPI's customerId (not the customer number). */
  customerId: string;
}

const base64url = (bytes: ArrayBuffer | Uint8Array) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

/** A PKCE pair: a 64-character verifier and its S256 challenge. */
export async function pkcePair(): Promise<{ verifier: string; challenge: string }> {
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(48)));
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  return { verifier, challenge };
}

const slasScope: ErrorScope = {
  kind: 'customer',
  notFound: 'scapi SLAS does not know the configured organization (check SCAPI_ORGANIZATION_ID)',
};
const clientBasic = (client: ScapiClient) => ({
  kind: 'basic' as const,
  user: client.options.clientId,
  password: client.options.clientSecret,
});

/** A guest shopper token of the private client (`client_credentials`), as registration requires. */
export async function guestToken(client: ScapiClient, ctx: CallContext): Promise<string> {
  const tokens = await client.call(
    ctx,
    {
      api: 'slas',
      method: 'POST',
      path: 'oauth2/token',
      auth: clientBasic(client),
      form: { grant_type: 'client_credentials', channel_id: client.options.siteId },
      what: 'SLAS token response',
      errors: slasScope,
    },
    SlasTokenSchema,
  );
  return tokens.access_token;
}

/**
 * Logs a shopper in (SLAS `/login` with PKCE, then `/token` with `authorization_code_pkce`);
 * undefined when SLAS refuses the login or password.
 */
export async function loginShopper(
  client: ScapiClient,
  ctx: CallContext,
  login: string,
  password: string,
): Promise<ShopperSession | undefined> {
  const { clientId, clientSecret, siteId, redirectUri } = client.options;
  const { verifier, challenge } = await pkcePair();
  const answer = await client.send(ctx, {
    api: 'slas',
    method: 'POST',
    path: 'oauth2/login',
    auth: { kind: 'basic', user: login, password },
    // x-slas-client-auth is the Basic credential without the `Basic ` prefix.
    headers: { 'x-slas-client-auth': basicAuth(clientId, clientSecret).slice('Basic '.length) },
    form: { client_id: clientId, channel_id: siteId, redirect_uri: redirectUri, code_challenge: challenge },
    errors: slasScope,
  });
  await answer.body?.cancel();
  if (answer.status === 401) return undefined;
  const location = answer.status === 303 || answer.status === 302 ? answer.headers.get('location') : null;
  const callback = location ? new URL(location, redirectUri) : undefined;
  const code = callback?.searchParams.get('code');
  if (!code) {
    if (answer.status >= 400)
      throw new GatewayError(
        answer.status >= 500 ? 'upstream_error' : 'upstream_auth_failed',
        `scapi SLAS refused the login request (HTTP ${answer.status}); check SCAPI_CLIENT_ID, SCAPI_SITE_ID and SCAPI_REDIRECT_URI`,
        { upstream: { status: answer.status } },
      );
    throw new GatewayError(
      'upstream_contract_violation',
      'scapi SLAS answered the login without an authorization code',
    );
  }
  const tokens = await client.call(
    ctx,
    {
      api: 'slas',
      method: 'POST',
      path: 'oauth2/token',
      auth: clientBasic(client),
      form: compactForm({
        grant_type: 'authorization_code_pkce',
        code,
        usid: callback?.searchParams.get('usid') ?? undefined,
        code_verifier: verifier,
        redirect_uri: redirectUri,
        channel_id: siteId,
        client_id: clientId,
      }),
      what: 'SLAS token response',
      errors: slasScope,
    },
    SlasTokenSchema,
  );
  return { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, customerId: tokens.customer_id };
}

const compactForm = (form: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(form).filter((e): e is [string, string] => e[1] !== undefined));

/** Revokes a shopper session; best effort (it expires on its own). */
export async function logoutShopper(client: ScapiClient, ctx: CallContext, session: ShopperSession): Promise<void> {
  try {
    await client.call(ctx, {
      api: 'slas',
      method: 'GET',
      path: 'oauth2/logout',
      auth: { kind: 'bearer', token: session.accessToken },
      query: {
        client_id: client.options.clientId,
        refresh_token: session.refreshToken,
        channel_id: client.options.siteId,
      },
      errors: slasScope,
    });
  } catch {
    /* the tokens expire on their own */
  }
}

/** Runs `use` inside a shopper session and logs out afterwards; undefined for wrong credentials. */
export async function withShopperSession<T>(
  client: ScapiClient,
  ctx: CallContext,
  login: string,
  password: string,
  use: (session: ShopperSession) => Promise<T>,
): Promise<T | undefined> {
  const session = await loginShopper(client, ctx, login, password);
  if (!session) return undefined;
  try {
    return await use(session);
  } finally {
    await logoutShopper(client, ctx, session);
  }
}

const siteQuery = (client: ScapiClient) => ({ siteId: client.options.siteId });

/** Shopper Customers `registerCustomer` with a guest token; answers the new customer number. */
export async function registerCustomer(
  client: ScapiClient,
  ctx: CallContext,
  customer: Record<string, unknown>,
  password: string,
  errors: ErrorScope,
): Promise<string> {
  const token = await guestToken(client, ctx);
  const registered = await client.call(
    ctx,
    {
      api: 'shopper',
      method: 'POST',
      path: 'customers',
      auth: { kind: 'bearer', token },
      query: siteQuery(client),
      json: { customer, password },
      what: 'registered customer',
      errors,
    },
    ShopperCustomerSchema,
  );
  return registered.customerNo;
}

/** The shopper's own customer (Shopper Customers `getCustomer`): its customer number. */
export async function shopperCustomerNo(
  client: ScapiClient,
  ctx: CallContext,
  session: ShopperSession,
): Promise<string> {
  const customer = await client.call(
    ctx,
    {
      api: 'shopper',
      method: 'GET',
      path: `customers/${encodeURIComponent(session.customerId)}`,
      auth: { kind: 'bearer', token: session.accessToken },
      query: siteQuery(client),
      what: 'shopper customer',
      errors: { kind: 'customer', notFound: 'the shopper customer vanished' },
    },
    ShopperCustomerSchema,
  );
  return customer.customerNo;
}

/** `updateCustomerPassword` with the shopper's own token. */
export async function changePassword(
  client: ScapiClient,
  ctx: CallContext,
  session: ShopperSession,
  currentPassword: string,
  password: string,
  errors: ErrorScope,
): Promise<void> {
  await client.call(ctx, {
    api: 'shopper',
    method: 'PUT',
    path: `customers/${encodeURIComponent(session.customerId)}/password`,
    auth: { kind: 'bearer', token: session.accessToken },
    query: siteQuery(client),
    json: { currentPassword, password },
    errors,
  });
}

/** The administrative reset: `create-reset-token` then `reset`, both with the Account Manager token. */
export async function resetPassword(
  client: ScapiClient,
  ctx: CallContext,
  login: string,
  password: string,
  errors: ErrorScope,
): Promise<void> {
  const { resetToken } = await client.call(
    ctx,
    {
      api: 'shopper',
      method: 'POST',
      path: 'customers/password/actions/create-reset-token',
      auth: { kind: 'am' },
      query: siteQuery(client),
      json: { login },
      what: 'reset token',
      errors,
    },
    ResetTokenSchema,
  );
  await client.call(ctx, {
    api: 'shopper',
    method: 'POST',
    path: 'customers/password/actions/reset',
    auth: { kind: 'am' },
    query: siteQuery(client),
    json: { resetToken, login, newPassword: password },
    errors,
  });
}
