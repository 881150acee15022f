import { Hono, type Context } from 'hono';
import { sign, verify } from 'hono/jwt';
import { faultResponse } from './wire.js';

/**
 * Who may call: the Account Manager's client-credentials tokens (server-to-server, any
 * customer) and shopper JWTs from `POST /customers/auth` (one customer, or a guest).
 */
export type Principal =
  | { kind: 'oauth'; clientId: string }
  | { kind: 'shopper'; customerId: string; authType: 'guest' | 'registered'; jti: string; exp: number };

export interface ApiClient {
  id: string;
  secret: string;
}

export class TokenIssuer {
  /** Account Manager access token lifetime in seconds (AM answers 1799). */
  accessTokenSeconds = 1799;
  shopperTokenSeconds = 1800;
  private readonly accessTokens = new Map<string, { clientId: string; expiresAt: number }>();
  private readonly revoked = new Set<string>();
  private readonly secret = crypto.randomUUID();
  issuedAccessTokens = 0;

  constructor(readonly clients: ApiClient[]) {}

  client(id: string | undefined): ApiClient | undefined {
    return id ? this.clients.find((c) => c.id === id) : undefined;
  }

  issueAccessToken(clientId: string): { token: string; expiresIn: number } {
    const token = `am.${crypto.randomUUID().replaceAll('-', '')}${crypto.randomUUID().replaceAll('-', '')}`;
    this.accessTokens.set(token, { clientId, expiresAt: Date.now() + this.accessTokenSeconds * 1000 });
    this.issuedAccessTokens += 1;
    return { token, expiresIn: this.accessTokenSeconds };
  }

  /** Test backdoor: every access token issued so far expires now. */
  expireAccessTokens(): void {
    for (const entry of this.accessTokens.values()) entry.expiresAt = Date.now() - 1;
  }

  revokeAccessTokens(): void {
    this.accessTokens.clear();
  }

  async issueShopperToken(clientId: string, customerId: string, authType: 'guest' | 'registered'): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return sign(
      {
        iss: 'sfcc-emulator',
        sub: customerId,
        auth_type: authType,
        client_id: clientId,
        jti: crypto.randomUUID(),
        iat: now,
        exp: now + this.shopperTokenSeconds,
      },
      this.secret,
      'HS256',
    );
  }

  revokeShopperToken(jti: string): void {
    this.revoked.add(jti);
  }

  /** Resolves a Bearer token, or answers the fault OCAPI sends for it. */
  async resolve(token: string, clientId: string): Promise<Principal | Response> {
    const access = this.accessTokens.get(token);
    if (access) {
      if (access.expiresAt <= Date.now()) return faultResponse('expiredToken', 'The provided token has expired.');
      if (access.clientId !== clientId)
        return faultResponse('invalidToken', 'The access token was issued for another client.');
      return { kind: 'oauth', clientId };
    }
    try {
      const payload = (await verify(token, this.secret, 'HS256')) as Record<string, unknown>;
      if (payload.client_id !== clientId || this.revoked.has(String(payload.jti))) {
        return faultResponse('invalidToken', 'The provided token is not valid.');
      }
      return {
        kind: 'shopper',
        customerId: String(payload.sub),
        authType: payload.auth_type === 'registered' ? 'registered' : 'guest',
        jti: String(payload.jti),
        exp: Number(payload.exp),
      };
    } catch (error) {
      if (error instanceof Error && error.name === 'JwtTokenExpired')
        return faultResponse('expiredToken', 'The provided token has expired.');
      return faultResponse('invalidToken', 'The provided token is not valid.');
    }
  }
}

export const bearerOf = (c: Context): string | undefined => {
  const header = c.req.header('authorization');
  const match = header && /^Bearer\s+(.+)$/i.exec(header);
  return match ? match[1]!.trim() : undefined;
};

export function basicCredentials(c: Context): { user: string; password: string } | undefined {
  const header = c.req.header('authorization');
  const match = header && /^Basic\s+(.+)$/i.exec(header);
  if (!match) return undefined;
  try {
    const bytes = Uint8Array.from(atob(match[1]!.trim()), (ch) => ch.charCodeAt(0));
    const decoded = new TextDecoder().decode(bytes);
    const colon = decoded.indexOf(':');
    return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  } catch {
    return undefined;
  }
}

/** The client id a request names: `client_id` query parameter or `x-dw-client-id` header. */
export const clientIdOf = (c: Context): string | undefined =>
  c.req.query('client_id') ?? c.req.header('x-dw-client-id');

/** Account Manager's OAuth 2 error body. */
export const oauthError = (status: 400 | 401, error: string, description: string) =>
  new Response(JSON.stringify({ error, error_description: description }), {
    status,
    headers: { 'content-type': 'application/json' },
  });

/**
 * Account Manager's token endpoint (`POST /dwsso/oauth2/access_token`): HTTP Basic
 * `client_id:secret`, form body `grant_type=client_credentials`; OAuth 2 error bodies.
 */
export function accountManagerApp(issuer: TokenIssuer): Hono {
  const app = new Hono();
  app.post('/access_token', async (c) => {
    const basic = basicCredentials(c);
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const clientId = basic?.user ?? (typeof form.client_id === 'string' ? form.client_id : undefined);
    const secret = basic?.password ?? (typeof form.client_secret === 'string' ? form.client_secret : undefined);
    if (form.grant_type !== 'client_credentials')
      return oauthError(400, 'unsupported_grant_type', 'grant_type must be client_credentials');
    const client = issuer.client(clientId);
    if (!client || client.secret !== secret) return oauthError(401, 'invalid_client', 'Client authentication failed');
    const { token, expiresIn } = issuer.issueAccessToken(client.id);
    return c.json({
      access_token: token,
      scope: 'mail tenantFilter profile',
      token_type: 'Bearer',
      expires_in: expiresIn,
    });
  });
  return app;
}
