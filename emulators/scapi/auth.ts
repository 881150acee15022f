import { Hono, type Context } from 'hono';
import { sign, verify } from 'hono/jwt';
import { oauthError, problem } from './wire.js';

export interface ApiClient {
  id: string;
  secret: string;
}

/** Who a bearer token stands for. */
export type Principal =
  /** An Account Manager client-credentials token with its granted scopes. */
  | { kind: 'am'; clientId: string; scopes: Set<string> }
  /** A SLAS shopper JWT: a guest, or a registered shopper (their customerId). */
  | { kind: 'shopper'; clientId: string; customerId?: string; usid: string; jti: string };

export const bearerOf = (c: Context): string | undefined =>
  /^Bearer\s+(.+)$/i.exec(c.req.header('authorization') ?? '')?.[1]?.trim();

export function basicCredentials(value: string | undefined): { user: string; password: string } | undefined {
  const match = value && /^Basic\s+(.+)$/i.exec(value);
  if (!match) return undefined;
  try {
    const decoded = new TextDecoder().decode(Uint8Array.from(atob(match[1]!.trim()), (ch) => ch.charCodeAt(0)));
    const colon = decoded.indexOf(':');
    return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  } catch {
    return undefined;
  }
}

/**
 * Issues and resolves every token the emulator knows: Account Manager access tokens (opaque,
 * scoped to the tenant) and SLAS shopper JWTs with their refresh tokens.
 */
export class Tokens {
  amTokenSeconds = 1799;
  shopperTokenSeconds = 1800;
  amTokensIssued = 0;
  private readonly amTokens = new Map<string, { clientId: string; scopes: Set<string>; expiresAt: number }>();
  private readonly refreshTokens = new Map<
    string,
    { clientId: string; customerId?: string; usid: string; expiresAt: number }
  >();
  private readonly revoked = new Set<string>();
  private readonly key = crypto.randomUUID();

  constructor(
    readonly client: ApiClient,
    readonly tenant: string,
  ) {}

  issueAmToken(scopes: Set<string>): { token: string; expiresIn: number } {
    const token = `am.${crypto.randomUUID().replaceAll('-', '')}`;
    this.amTokens.set(token, { clientId: this.client.id, scopes, expiresAt: Date.now() + this.amTokenSeconds * 1000 });
    this.amTokensIssued += 1;
    return { token, expiresIn: this.amTokenSeconds };
  }

  expireAmTokens(): void {
    for (const entry of this.amTokens.values()) entry.expiresAt = Date.now() - 1;
  }

  async issueShopperTokens(customerId: string | undefined, usid: string = crypto.randomUUID()) {
    const now = Math.floor(Date.now() / 1000);
    const jti = crypto.randomUUID();
    const accessToken = await sign(
      {
        iss: 'slas/emulator',
        sub: `usid::${usid}`,
        isb: customerId ? 'uido:ecom::upn:registered' : 'uido:slas::upn:Guest',
        customer_id: customerId ?? '',
        usid,
        client_id: this.client.id,
        jti,
        iat: now,
        exp: now + this.shopperTokenSeconds,
      },
      this.key,
      'HS256',
    );
    const refreshToken = crypto.randomUUID().replaceAll('-', '') + crypto.randomUUID().replaceAll('-', '');
    this.refreshTokens.set(refreshToken, {
      clientId: this.client.id,
      customerId,
      usid,
      expiresAt: Date.now() + 30 * 24 * 3600 * 1000,
    });
    return { accessToken, refreshToken, usid, jti, expiresIn: this.shopperTokenSeconds };
  }

  /** Exchanges a refresh token (single use, as SLAS rotates them). */
  takeRefreshToken(token: string): { customerId?: string; usid: string } | undefined {
    const entry = this.refreshTokens.get(token);
    this.refreshTokens.delete(token);
    return entry && entry.expiresAt > Date.now() ? entry : undefined;
  }

  revoke(jti: string, refreshToken?: string): void {
    this.revoked.add(jti);
    if (refreshToken) this.refreshTokens.delete(refreshToken);
  }

  /** The principal of a bearer token, or the 401 problem SCAPI answers for it. */
  async resolve(token: string | undefined): Promise<Principal | Response> {
    const refused = () => problem('invalid-access-token', 'The request is unauthorized, the access token is invalid.');
    if (!token) return refused();
    const am = this.amTokens.get(token);
    if (am) return am.expiresAt > Date.now() ? { kind: 'am', clientId: am.clientId, scopes: am.scopes } : refused();
    try {
      const payload = (await verify(token, this.key, 'HS256')) as Record<string, unknown>;
      if (this.revoked.has(String(payload.jti))) return refused();
      const customerId =
        typeof payload.customer_id === 'string' && payload.customer_id !== '' ? payload.customer_id : undefined;
      return {
        kind: 'shopper',
        clientId: String(payload.client_id),
        customerId,
        usid: String(payload.usid),
        jti: String(payload.jti),
      };
    } catch {
      return refused();
    }
  }
}

/**
 * Account Manager's token endpoint: HTTP Basic `client_id:secret`, form
 * `grant_type=client_credentials&scope=SALESFORCE_COMMERCE_API:<tenant> …`. The tenant scope is
 * required (SCAPI admin tokens are tenant-scoped); the other requested scopes are granted.
 */
export function accountManagerApp(tokens: Tokens): Hono {
  const app = new Hono();
  app.post('/access_token', async (c) => {
    const basic = basicCredentials(c.req.header('authorization'));
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    if (form.grant_type !== 'client_credentials')
      return oauthError(400, 'unsupported_grant_type', 'grant_type must be client_credentials');
    if (!basic || basic.user !== tokens.client.id || basic.password !== tokens.client.secret)
      return oauthError(401, 'invalid_client', 'Client authentication failed');
    const scopes = new Set(
      String(form.scope ?? '')
        .split(/\s+/)
        .filter(Boolean),
    );
    if (!scopes.has(`SALESFORCE_COMMERCE_API:${tokens.tenant}`))
      return oauthError(400, 'invalid_scope', 'The tenant scope SALESFORCE_COMMERCE_API:<tenant> is required');
    const { token, expiresIn } = tokens.issueAmToken(scopes);
    return c.json({ access_token: token, scope: [...scopes].join(' '), token_type: 'Bearer', expires_in: expiresIn });
  });
  return app;
}

/** Resolves the request's bearer token to an Account Manager principal holding one of `scopes`. */
export async function requireAm(c: Context, tokens: Tokens, scopes: string[]): Promise<Principal | Response> {
  const principal = await tokens.resolve(bearerOf(c));
  if (principal instanceof Response) return principal;
  if (principal.kind !== 'am')
    return problem('invalid-access-token', 'This API takes an Account Manager token, not a shopper token.');
  if (!scopes.some((s) => principal.scopes.has(s)))
    return problem('insufficient-scope', `The access token lacks one of the scopes ${scopes.join(', ')}.`);
  return principal;
}
