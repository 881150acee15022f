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
