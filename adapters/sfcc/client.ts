import { GatewayError } from '../errors.js';
import {
  createUpstreamClient,
  parseUpstream,
  readJson,
  type UpstreamClient,
  type UpstreamSchema,
} from '../../transport/upstream-client.js';
import { SharedRequest } from '../support.js';
import type { CallContext } from '../types.js';
import { BACKEND, ocapiError, readFault } from './errors.js';
import type { SfccOptions } from './options.js';
import { TokenResponseSchema } from './upstream.js';

/** Renew an Account Manager token this long before it expires (or at 90 % of a short lifetime). */
export const TOKEN_RENEW_MARGIN_MS = 60_000;
/** 401 fault types after which one fresh token is worth a second attempt. */
const STALE_TOKEN_FAULTS = new Set(['ExpiredTokenException', 'InvalidAccessTokenException']);

const basic = (user: string, password: string) => {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
};

/** ky's prefixUrl wants a base and a path: split a full URL into both (keeping its query). */
function splitUrl(url: string): { base: string; path: string; searchParams: URLSearchParams } {
  const parsed = new URL(url);
  const slash = parsed.pathname.lastIndexOf('/');
  return {
    base: `${parsed.origin}${parsed.pathname.slice(0, slash)}`,
    path: parsed.pathname.slice(slash + 1),
    searchParams: parsed.searchParams,
  };
}

/**
 * Account Manager client-credentials tokens, cached until shortly before they expire; concurrent
 * callers share one token request. Tokens are never logged or put into errors.
 */
export class AccessTokens {
  private cached?: { token: string; renewAt: number };
  private readonly tokenRequest = new SharedRequest(BACKEND, (ctx) => this.request(ctx));
  private readonly client: UpstreamClient;
  private readonly endpoint: ReturnType<typeof splitUrl>;

  constructor(
    private readonly options: SfccOptions,
    fetch: typeof globalThis.fetch,
    private readonly now: () => number = Date.now,
  ) {
    this.endpoint = splitUrl(options.oauthUrl);
    this.client = createUpstreamClient({
      baseUrl: this.endpoint.base,
      fetch,
      backend: BACKEND,
      retryLimit: options.retryLimit,
    });
  }

  async get(ctx: CallContext): Promise<string> {
    if (this.cached && this.now() < this.cached.renewAt) return this.cached.token;
    return this.tokenRequest.get(ctx);
  }

  /** Drops the cached token if it is the one that was refused. */
  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  private async request(ctx: CallContext): Promise<string> {
    const body = new URLSearchParams({ grant_type: 'client_credentials' });
    const response = await this.client.request(ctx, 'POST', this.endpoint.path, {
      headers: {
        authorization: basic(this.options.clientId, this.options.clientSecret),
        'content-type': 'application/x-www-form-urlencoded',
      },
      searchParams: this.endpoint.searchParams,
      body: body.toString(),
      // Asking for a token twice is harmless: retry 429/5xx like a read.
      idempotent: true,
    });
    if (response.status === 400 || response.status === 401 || response.status === 403) {
      await response.body?.cancel();
      throw new GatewayError(
        'upstream_auth_failed',
        'Account Manager refused the API client credentials (check SFCC_CLIENT_ID, SFCC_CLIENT_SECRET and SFCC_OAUTH_URL)',
        {
          upstream: { status: response.status },
        },
      );
    }
    const parsed = await readAnswer(response, 'the access token request', TokenResponseSchema);
    const lifetimeMs = parsed.expires_in * 1000;
    const margin = Math.min(TOKEN_RENEW_MARGIN_MS, lifetimeMs / 10);
    this.cached = { token: parsed.access_token, renewAt: this.now() + lifetimeMs - margin };
    ctx.log.debug({ expiresIn: parsed.expires_in }, 'sfcc access token obtained');
    return parsed.access_token;
  }
}

export type Auth =
  /** Server-to-server: the Account Manager token. */
  | { kind: 'oauth' }
  /** A shopper JWT from /customers/auth. */
  | { kind: 'bearer'; token: string }
  /** Basic login:password (credentials auth). */
  | { kind: 'basic'; user: string; password: string }
  /** Client id only (guest auth). */
  | { kind: 'none' };

export interface OcapiRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  auth: Auth;
  /** What the call is about, for error details: `customer 12`, `the customer search`. */
  what: string;
  /** An address PATCH that renames answers 301 (with the address, or only a Location): not an error there. */
  acceptMoved?: boolean;
  searchParams?: Record<string, string | number>;
  json?: unknown;
  ifMatch?: string;
  /** Overrides the method's default (PUT/GET/DELETE retried): a PUT that checks a password is not repeatable. */
  idempotent?: boolean;
}

/** What a call answered besides its body: the ETag (quoted as HTTP wants it), a rename's Location, the shopper JWT. */
export interface OcapiAnswer<T> {
  body: T;
  status: number;
  etag?: string;
  location?: string;
  /** The `Authorization: Bearer …` token of a /customers/auth answer. */
  bearer?: string;
}

/** OCAPI ETags are bare hex; HTTP wants them quoted. */
const quoteTag = (tag: string | null): string | undefined =>
  tag ? `"${tag.trim().replace(/^W\//, '').replace(/^"|"$/g, '')}"` : undefined;

/** status → error → parse: an error answer becomes a GatewayError, a body is checked against its schema (or dropped). */
async function readAnswer<T>(
  response: Response,
  what: string,
  schema: UpstreamSchema<T> | undefined,
  externalRefAttribute?: string,
  acceptMoved = false,
): Promise<T> {
  if (!response.ok && !(acceptMoved && response.status === 301))
    throw await ocapiError(response, what, externalRefAttribute);
  if (!schema) {
    await response.body?.cancel();
    return undefined as T;
  }
  return parseUpstream(schema, await readJson(response, BACKEND), BACKEND, what);
}

/**
 * The Shop and Data API clients: every call names the API client (`x-dw-client-id`) and carries
 * the right authorization; a 401 for a stale Account Manager token is retried once with a new one.
 */
export class OcapiClient {
  private readonly shop: UpstreamClient;
  private readonly data?: UpstreamClient;
  private readonly tokens: AccessTokens;

  constructor(
    private readonly options: SfccOptions,
    fetch: typeof globalThis.fetch,
  ) {
    this.shop = createUpstreamClient({
      baseUrl: options.baseUrl,
      fetch,
      backend: BACKEND,
      retryLimit: options.retryLimit,
    });
    if (options.data)
      this.data = createUpstreamClient({
        baseUrl: options.data.baseUrl,
        fetch,
        backend: BACKEND,
        retryLimit: options.retryLimit,
      });
    this.tokens = new AccessTokens(options, fetch);
  }

  /** An Account Manager token (the cached one while it is fresh): what the doctor checks first. */
  token(ctx: CallContext): Promise<string> {
    return this.tokens.get(ctx);
  }

  /** One OCAPI call, answered as its parsed body (schema given) and headers, or thrown as a GatewayError. */
  call<T>(
    ctx: CallContext,
    api: 'shop' | 'data',
    request: OcapiRequest,
    schema: UpstreamSchema<T>,
  ): Promise<OcapiAnswer<T>>;
  call(ctx: CallContext, api: 'shop' | 'data', request: OcapiRequest): Promise<OcapiAnswer<undefined>>;
  async call<T>(
    ctx: CallContext,
    api: 'shop' | 'data',
    request: OcapiRequest,
    schema?: UpstreamSchema<T>,
  ): Promise<OcapiAnswer<T | undefined>> {
    const response = await this.send(ctx, api, request);
    const bearer = /^Bearer\s+(.+)$/i.exec(response.headers.get('authorization') ?? '')?.[1]?.trim();
    return {
      body: await readAnswer(response, request.what, schema, this.options.externalRefAttribute, request.acceptMoved),
      status: response.status,
      etag: quoteTag(response.headers.get('etag')),
      location: response.headers.get('location') ?? undefined,
      bearer,
    };
  }

  private async send(ctx: CallContext, api: 'shop' | 'data', request: OcapiRequest): Promise<Response> {
    const client = api === 'shop' ? this.shop : this.data;
    if (!client) throw new GatewayError('internal', 'the SFCC Data API is not configured');
    const attempt = async (): Promise<{ response: Response; token?: string }> => {
      const headers: Record<string, string> = { 'x-dw-client-id': this.options.clientId, accept: 'application/json' };
      let token: string | undefined;
      if (request.auth.kind === 'oauth') {
        token = await this.tokens.get(ctx);
        headers.authorization = `Bearer ${token}`;
      } else if (request.auth.kind === 'bearer') headers.authorization = `Bearer ${request.auth.token}`;
      else if (request.auth.kind === 'basic') headers.authorization = basic(request.auth.user, request.auth.password);
      if (request.ifMatch !== undefined) headers['if-match'] = request.ifMatch;
      const searchParams = Object.fromEntries(
        Object.entries(request.searchParams ?? {}).map(([k, v]) => [k, String(v)]),
      );
      const response = await client.request(ctx, request.method, request.path, {
        headers,
        searchParams,
        json: request.json,
        idempotent: request.idempotent,
        // A rename answers 301: read it, never follow it with a second PATCH.
        redirect: 'manual',
      });
      ctx.log.debug({ api, method: request.method, path: request.path, status: response.status }, 'sfcc call');
      return { response, token };
    };
    const first = await attempt();
    if (first.response.status !== 401 || first.token === undefined) return first.response;
    const fault = await readFault(first.response);
    if (!fault || !STALE_TOKEN_FAULTS.has(fault.type)) return first.response;
    this.tokens.invalidate(first.token);
    await first.response.body?.cancel();
    return (await attempt()).response;
  }
}

/** `/customers/{id}/…` with each segment encoded. */
export const path = (...segments: string[]) => segments.map((s) => encodeURIComponent(s)).join('/');
