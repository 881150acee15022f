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
