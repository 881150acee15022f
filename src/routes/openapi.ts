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
    for (const operation of Object.values(operations)) operation.parameters = [BACKEND_PARAMETER, ...(operation.parameters ?? [])];
  }
  return document;
}

type Operation = { security?: Record<string, string[]>[] };
type Document = { paths?: Record<string, Record<string, Operation>>; components?: Record<string, unknown> };

export const SECURITY_SCHEMES = {
  adminKey: { type: 'http', scheme: 'bearer', description: 'An `admin` entry of API_KEYS, as `Authorization: Bearer <key>`.' },
  apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'An API_KEYS entry: `storefront` keys reach only /v1/auth/* and /v1/me…, `admin` keys everything.' },
  shopperToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The `accessToken` from POST /v1/auth/login or /v1/auth/refresh (15 minutes).' },
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
    const security: Record<string, string[]>[] = /^\/v1\/me(\/|$)/.test(path)
      ? [keysRequired ? { apiKey: [], shopperToken: [] } : { shopperToken: [] }]
      : /\/auth\//.test(path)
        ? [{ apiKey: [] }, { adminKey: [] }, ...open]
        : [{ adminKey: [] }, { apiKey: [] }, ...open];
    for (const operation of Object.values(operations)) operation.security = security;
  }
  return document;
}
