import { AUTH_PATH, SHOPPER_PATH } from '../middleware/auth.js';

/**
 * The resource routers are mounted twice (/v1 and /v1/backends/:backend) with the same schemas;
 * the generator sees `{backend}` in the second mount's paths but no declaration for it, so it is
 * added here, keeping the document valid OpenAPI 3.1.
 */
const BACKEND_PARAMETER = {
  name: 'backend',
  in: 'path',
  required: true,
  description: 'A configured backend (see GET /v1/backends).',
  schema: { type: 'string', example: 'sfcc' },
};

export function withBackendParameter<T>(document: T): T {
  const paths = (document as { paths?: Record<string, Record<string, { parameters?: unknown[] }>> }).paths ?? {};
  for (const [path, operations] of Object.entries(paths)) {
    if (!path.includes('{backend}')) continue;
    for (const operation of Object.values(operations))
      operation.parameters = [BACKEND_PARAMETER, ...(operation.parameters ?? [])];
  }
  return document;
}

const WRITE_METHODS = ['post', 'put', 'patch', 'delete'];

type Operation = {
  parameters?: unknown[];
  responses?: Record<string, { description?: string; headers?: Record<string, unknown> }>;
};

/**
 * Every write takes `Idempotency-Key` (checked by one middleware, not by each route's schema):
 * declared here on each write operation, with the replay header and the 409/422 it can cause.
 */
export function withIdempotencyKey<T>(document: T, required: boolean): T {
  const paths = (document as { paths?: Record<string, Record<string, Operation>> }).paths ?? {};
  for (const [path, operations] of Object.entries(paths)) {
    // Sign-in, refresh and logout are not resource writes (app.ts leaves them out).
    if (AUTH_PATH.test(path)) continue;
    for (const [method, operation] of Object.entries(operations)) {
      if (!WRITE_METHODS.includes(method)) continue;
      operation.parameters = [
        ...(operation.parameters ?? []),
        {
          name: 'Idempotency-Key',
          in: 'header',
          required,
          description:
            'draft-ietf-httpapi-idempotency-key-header: a unique string per intended write (e.g. `"8e03978e-40d5-43e8-bc93-6894a57f9324"`). ' +
            'A retry with the same key and the same request gets the first answer replayed for 24 h (`Idempotent-Replayed: true`) without calling the platform again; ' +
            'the same key with another request is a 422 `idempotency_key_reused`; a retry while the first is still running is a 409.',
          schema: { type: 'string', minLength: 1, maxLength: 257 },
        },
      ];
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        if (status.startsWith('2'))
          response.headers = {
            ...response.headers,
            [REPLAYED]: {
              description: '`true` when this answer is a replay kept for the Idempotency-Key',
              schema: { type: 'string', enum: ['true'] },
            },
          };
      }
      const responses = operation.responses ?? {};
      if (responses['409'])
        responses['409'] = {
          ...responses['409'],
          description: `${responses['409'].description}, or a request with the same Idempotency-Key is still running`,
        };
      if (responses['422'])
        responses['422'] = {
          ...responses['422'],
          description: `${responses['422'].description}, or the Idempotency-Key was used for another request`,
        };
    }
  }
  return document;
}

const REPLAYED = 'Idempotent-Replayed';
type Document = {
  paths?: Record<string, Record<string, { security?: Record<string, string[]>[] }>>;
  components?: Record<string, unknown>;
};

export const SECURITY_SCHEMES = {
  adminKey: {
    type: 'http',
    scheme: 'bearer',
    description: 'An `admin` entry of API_KEYS, as `Authorization: Bearer <key>`.',
  },
  apiKey: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Api-Key',
    description: 'An API_KEYS entry: `storefront` keys reach only /v1/auth/* and /v1/me…, `admin` keys everything.',
  },
  shopperToken: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'The `accessToken` from POST /v1/auth/login or /v1/auth/refresh (15 minutes).',
  },
} as const;

/**
 * Who may call each operation: the shopper's token on /v1/me… (with a key in X-Api-Key when
 * API_KEYS is set), a key of either scope on /v1/auth/*, an admin key elsewhere. Without API_KEYS
 * the keys are optional (`{}`), as the gateway then asks for none.
 */
export function withSecurity<T>(document: T, keysRequired: boolean): T {
  const doc = document as Document;
  doc.components = { ...doc.components, securitySchemes: SECURITY_SCHEMES };
  const open: Record<string, string[]>[] = keysRequired ? [] : [{}];
  for (const [path, operations] of Object.entries(doc.paths ?? {})) {
    const security: Record<string, string[]>[] = SHOPPER_PATH.test(path)
      ? [keysRequired ? { apiKey: [], shopperToken: [] } : { shopperToken: [] }]
      : AUTH_PATH.test(path)
        ? [{ apiKey: [] }, { adminKey: [] }, ...open]
        : [{ adminKey: [] }, { apiKey: [] }, ...open];
    for (const operation of Object.values(operations)) operation.security = security;
  }
  return document;
}

type Response = { description?: string; headers?: Record<string, unknown>; content?: Record<string, unknown> };
type HeaderedOperation = { parameters?: unknown[]; responses?: Record<string, Response> };

const header = (description: string, schema: object = { type: 'string' }) => ({ description, schema });
const REQUEST_ID = header('The request id (the caller’s sane `X-Request-Id`, else one made up); problems carry it too');
const RATE_LIMIT = {
  'RateLimit-Limit': header('Requests per window of this caller’s budget (CALLER_RATE_LIMIT)', { type: 'integer' }),
  'RateLimit-Remaining': header('Requests left in the window', { type: 'integer' }),
  'RateLimit-Reset': header('Seconds until the budget is full again', { type: 'integer' }),
};
const ETAG = header(
  'Strong entity tag of the representation: send it as If-Match to change it, If-None-Match to revalidate',
);
const NOT_MODIFIED: Response = { description: 'The If-None-Match copy is current' };
const PROBLEM = (description: string): Response => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});
const okRef = (response: Response | undefined) =>
  (response?.content?.['application/json'] as { schema?: { $ref?: string } } | undefined)?.schema?.$ref ?? '';
/** A customer or an address: what carries an ETag. */
const isVersioned = (ref: string) => /\/(Customer|Address)$/.test(ref);

/**
 * The headers and answers the middlewares add, which no route schema states: `X-Request-Id` on
 * every answer; `ETag` on a customer or an address (and `If-None-Match`/304 on their reads);
 * `Location` on a 201; `Link` (rel="next") on a page; `Retry-After` on 429 and 503; with
 * CALLER_RATE_LIMIT the caller's `RateLimit-*` on every /v1 answer and a 429 on every operation;
 * with API_KEYS a 401 and a 403 on every /v1 operation.
 */
export function withResponseHeaders<T>(document: T, options: { callerLimits: boolean; keysRequired: boolean }): T {
  const paths = (document as { paths?: Record<string, Record<string, HeaderedOperation>> }).paths ?? {};
  for (const [path, operations] of Object.entries(paths)) {
    const api = path.startsWith('/v1');
    for (const [method, operation] of Object.entries(operations)) {
      const responses = (operation.responses ??= {});
      if (api && options.keysRequired) {
        responses['401'] ??= PROBLEM('No API key (or, on /v1/me, no valid access token)');
        responses['403'] ??= PROBLEM('The API key is not accepted here');
      }
      if (api && options.callerLimits)
        responses['429'] ??= PROBLEM('This caller’s request budget is spent; see Retry-After');
      if (method === 'get' && isVersioned(okRef(responses['200']))) {
        responses['304'] ??= NOT_MODIFIED;
        const parameters = (operation.parameters ??= []) as { name?: string }[];
        if (!parameters.some((p) => p.name === 'If-None-Match'))
          parameters.push({
            name: 'If-None-Match',
            in: 'header',
            required: false,
            description: 'ETags of copies the caller holds: a 304 without a body when one is current',
            schema: { type: 'string' },
          } as never);
      }
      for (const [status, response] of Object.entries(responses)) {
        const headers: Record<string, unknown> = { 'X-Request-Id': REQUEST_ID };
        if (api && options.callerLimits) Object.assign(headers, RATE_LIMIT);
        if (status === '429' || status === '503')
          headers['Retry-After'] = header('Seconds to wait before trying again', { type: 'integer' });
        const ref = okRef(response);
        if (status === '304' || (status.startsWith('2') && isVersioned(ref))) headers.ETag = ETAG;
        if (status === '201') headers.Location = header('Where the created resource is read');
        if (status === '200' && ref.endsWith('Page'))
          headers.Link = header('`<…>; rel="next"` while there is a next page (the URL of page.nextCursor)');
        response.headers = { ...headers, ...response.headers };
      }
    }
  }
  return document;
}
