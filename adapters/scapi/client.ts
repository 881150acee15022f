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
import { BACKEND, readProblem, toGatewayError, type ErrorScope } from './errors.js';
import type { ScapiOptions } from './options.js';
import { AmTokenSchema } from './upstream.js';

/** Renew an Account Manager token this long before it expires (or at 90 % of a short lifetime). */
const RENEW_MARGIN_MS = 60_000;

/** HTTP Basic credentials, UTF-8 safe. */
export const basicAuth = (user: string, password: string) =>
  `Basic ${btoa(String.fromCharCode(...new TextEncoder().encode(`${user}:${password}`)))}`;

/** Where each API family lives below the instance's host. */
export const API_ROOT = {
  admin: 'customer/customers/v1',
  shopper: 'customer/shopper-customers/v1',
  slas: 'shopper/auth/v1',
} as const;

/**
 * `am`: the Account Manager client-credentials token (Admin Customers, password reset actions);
 * `bearer`: a SLAS shopper token; `basic`: the API client (SLAS token requests) or a shopper's
 * login (SLAS /login).
 */
export type Authorization =
  | { kind: 'am' }
  | { kind: 'bearer'; token: string }
  | { kind: 'basic'; user: string; password: string };

export interface ScapiCall {
  api: keyof typeof API_ROOT;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Below `/organizations/{organizationId}/`. */
  path: string;
  auth: Authorization;
  query?: Record<string, string | number>;
  json?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  what?: string;
  errors: ErrorScope;
}

/**
 * The Account Manager token for the tenant-scoped admin APIs, cached until shortly before it
 * expires; concurrent callers share one request, which runs without any one caller's signal.
 */
class AccountManagerToken {
  private cached?: { token: string; renewAt: number };
  private readonly tokenRequest = new SharedRequest(BACKEND, (ctx) => this.fetchToken(ctx));
  private readonly http: UpstreamClient;
  private readonly url: URL;

  constructor(
    private readonly options: ScapiOptions,
    fetch: typeof globalThis.fetch,
  ) {
    this.url = new URL(options.oauthUrl);
    this.http = createUpstreamClient({
      baseUrl: this.url.origin,
      fetch,
      backend: BACKEND,
      retryLimit: options.retryLimit,
    });
  }

  get(ctx: CallContext): Promise<string> {
    if (this.cached && Date.now() < this.cached.renewAt) return Promise.resolve(this.cached.token);
    return this.tokenRequest.get(ctx);
  }

  forget(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  private async fetchToken(ctx: CallContext): Promise<string> {
    const scope = `SALESFORCE_COMMERCE_API:${this.options.tenant} sfcc.customerlists sfcc.customerlists.rw sfcc.shopper-customers.login`;
    const response = await this.http.request(ctx, 'POST', this.url.pathname, {
      headers: {
        authorization: basicAuth(this.options.clientId, this.options.clientSecret),
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
      idempotent: true,
    });
    if (!response.ok) {
      await response.body?.cancel();
      const code =
        response.status === 429 ? 'rate_limited' : response.status >= 500 ? 'upstream_error' : 'upstream_auth_failed';
      throw new GatewayError(
        code,
        'Account Manager refused the token request (check SCAPI_CLIENT_ID, SCAPI_CLIENT_SECRET, SCAPI_OAUTH_URL and SCAPI_ORGANIZATION_ID)',
        { upstream: { status: response.status } },
      );
    }
    const parsed = parseUpstream(AmTokenSchema, await readJson(response, BACKEND), BACKEND, 'token response');
    const lifetimeMs = parsed.expires_in * 1000;
    this.cached = {
      token: parsed.access_token,
      renewAt: Date.now() + lifetimeMs - Math.min(RENEW_MARGIN_MS, lifetimeMs / 10),
    };
    return parsed.access_token;
  }
}

export interface ScapiClient {
  /** status → error → parse: the 2xx body parsed with `schema`, or a GatewayError. */
  call<T>(ctx: CallContext, call: ScapiCall, schema: UpstreamSchema<T>): Promise<T>;
  /** status → error, for answers without a body the adapter needs. */
  call(ctx: CallContext, call: ScapiCall): Promise<undefined>;
  /** The raw answer (for SLAS's 303 login redirect); the caller reads or cancels the body. */
  send(ctx: CallContext, call: ScapiCall): Promise<Response>;
  /** An Account Manager token (the cached one while it is fresh): what the doctor checks first. */
  token(ctx: CallContext): Promise<string>;
  readonly options: ScapiOptions;
}

/**
 * SCAPI over the shared upstream client: paths under `/organizations/{organizationId}/` of each
 * API family, the right authorization per call, one fresh Account Manager token and one retry
 * after a 401 for a stale one, problem documents mapped to GatewayErrors.
 */
export function createScapiClient(options: ScapiOptions, fetch: typeof globalThis.fetch): ScapiClient {
  const http = createUpstreamClient({
    baseUrl: options.baseUrl,
    fetch,
    backend: BACKEND,
    retryLimit: options.retryLimit,
  });
  const am = new AccountManagerToken(options, fetch);
  const org = encodeURIComponent(options.organizationId);

  const attempt = async (ctx: CallContext, call: ScapiCall) => {
    const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
    let token: string | undefined;
    if (call.auth.kind === 'am') token = await am.get(ctx);
    if (call.auth.kind === 'bearer') token = call.auth.token;
    if (token) headers.authorization = `Bearer ${token}`;
    if (call.auth.kind === 'basic') headers.authorization = basicAuth(call.auth.user, call.auth.password);
    if (call.form) headers['content-type'] = 'application/x-www-form-urlencoded';
    const response = await http.request(ctx, call.method, `${API_ROOT[call.api]}/organizations/${org}/${call.path}`, {
      headers,
      searchParams: call.query && Object.fromEntries(Object.entries(call.query).map(([k, v]) => [k, String(v)])),
      ...(call.json === undefined ? {} : { json: call.json }),
      ...(call.form === undefined ? {} : { body: new URLSearchParams(call.form).toString() }),
      // SLAS /login answers 303 to the redirect URI: read it, never follow it.
      redirect: 'manual',
    });
    return { response, token };
  };

  const send: ScapiClient['send'] = async (ctx, call) => {
    const first = await attempt(ctx, call);
    if (first.response.status !== 401 || call.auth.kind !== 'am' || !first.token) return first.response;
    const body = await readJson(first.response, BACKEND).catch(() => undefined);
    if (readProblem(body).slug !== 'invalid-access-token') {
      return new Response(JSON.stringify(body ?? null), { status: 401, headers: first.response.headers });
    }
    am.forget(first.token);
    return (await attempt(ctx, call)).response;
  };

  return {
    options,
    send,
    token: (ctx) => am.get(ctx),
    async call<T>(ctx: CallContext, call: ScapiCall, schema?: UpstreamSchema<T>): Promise<T> {
      const response = await send(ctx, call);
      if (!response.ok) {
        const body = await readJson(response, BACKEND).catch(() => undefined);
        throw toGatewayError(response.status, response.headers, body, call.errors, options.externalRefAttribute);
      }
      if (!schema) {
        await response.body?.cancel();
        return undefined as T;
      }
      return parseUpstream(schema, await readJson(response, BACKEND), BACKEND, call.what ?? 'response');
    },
  };
}
