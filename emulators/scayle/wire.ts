import type { Context } from 'hono';

/**
 * How the SCAYLE Admin API words its answers: `{errors:[{errorKey, message, context}]}` with an
 * HTTP status, and per-scope rate limits reported in `X-RateLimit-*` headers.
 *
 * The error keys SCAYLE uses are only partly documented (RATE_LIMIT_EXCEED is); the others are
 * this emulator's choice and live here so they are easy to align with a real tenant. A field
 * error names the field in `context.field` (dotted path in SCAYLE's own field names, e.g.
 * `recipient.lastName`).
 */
export const ERROR_KEYS = {
  unauthorized: 'UNAUTHORIZED',
  notFound: 'ENTITY_NOT_FOUND',
  routeNotFound: 'ROUTE_NOT_FOUND',
  methodNotAllowed: 'METHOD_NOT_ALLOWED',
  invalidJson: 'INVALID_JSON',
  invalidIdentifier: 'INVALID_IDENTIFIER',
  invalidParameter: 'INVALID_PARAMETER',
  requiredField: 'REQUIRED_FIELD_MISSING',
  invalidField: 'INVALID_FIELD_VALUE',
  unknownField: 'UNKNOWN_FIELD',
  emailTaken: 'CUSTOMER_EMAIL_ALREADY_EXISTS',
  referenceKeyTaken: 'REFERENCE_KEY_ALREADY_EXISTS',
  /** Unconfirmed: SCAYLE documents the refusal (ongoing orders), not its key. */
  ongoingOrders: 'CUSTOMER_HAS_ONGOING_ORDERS',
  rateLimited: 'RATE_LIMIT_EXCEED',
  internal: 'INTERNAL_SERVER_ERROR',
  unavailable: 'SERVICE_UNAVAILABLE',
} as const;

export interface ScayleError {
  errorKey: string;
  message: string;
  context: Record<string, unknown>;
}

export const scayleError = (errorKey: string, message: string, context: Record<string, unknown> = {}): ScayleError => ({
  errorKey,
  message,
  context,
});

/** Thrown inside route handlers; the app's error handler turns it into SCAYLE's error body. */
export class ScayleHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errors: ScayleError[],
  ) {
    super(errors[0]?.message ?? `HTTP ${status}`);
  }
}

export const fail = (
  status: number,
  errorKey: string,
  message: string,
  context: Record<string, unknown> = {},
): never => {
  throw new ScayleHttpError(status, [scayleError(errorKey, message, context)]);
};

export const errorResponse = (status: number, errors: ScayleError[], headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify({ errors }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

/** The two budgets the customers endpoints draw from. */
export type RateLimitScope = 'customersRead' | 'customersWrite';

export const scopeOf = (method: string): RateLimitScope =>
  method === 'GET' || method === 'HEAD' ? 'customersRead' : 'customersWrite';

export const rateLimitHeaders = (
  scope: RateLimitScope,
  limit: number,
  remaining: number,
  resetSeconds: number,
): Record<string, string> => ({
  'X-RateLimit-Scope': scope,
  'X-RateLimit-Limit': String(limit),
  'X-RateLimit-Remaining': String(Math.max(0, remaining)),
  'X-RateLimit-Reset': String(Math.max(0, resetSeconds)),
});

export const rateLimitedResponse = (scope: RateLimitScope, limit: number, resetSeconds: number): Response =>
  errorResponse(
    429,
    [
      scayleError(ERROR_KEYS.rateLimited, `Rate limit for scope ${scope} exceeded.`, {
        scope,
        limit,
        reset: resetSeconds,
      }),
    ],
    rateLimitHeaders(scope, limit, 0, resetSeconds),
  );

/** Reads a JSON object body or fails the way SCAYLE does for a body it cannot parse. */
export async function readBody(c: Context): Promise<Record<string, unknown>> {
  const text = await c.req.text();
  let body: unknown;
  try {
    body = text === '' ? undefined : JSON.parse(text);
  } catch {
    return fail(400, ERROR_KEYS.invalidJson, 'The request body is not valid JSON.');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return fail(400, ERROR_KEYS.invalidJson, 'The request body must be a JSON object.');
  }
  return body as Record<string, unknown>;
}
