import type { Context, ErrorHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { ERROR_TITLE, GatewayError, isGatewayError } from '../../adapters/errors.js';
import type { Problem } from '../../schemas/index.js';
import type { GatewayEnv } from '../context.js';

const PROBLEM_TYPE_BASE = 'https://customer-gateway.dev/problems/';

/** The one place problem responses are built (RFC 9457). */
export function problemResponse(c: Context<GatewayEnv>, error: GatewayError): Response {
  const problem: Problem = {
    type: `${PROBLEM_TYPE_BASE}${error.code}`,
    title: ERROR_TITLE[error.code],
    status: error.status,
    detail: error.message,
    instance: c.req.path,
    code: error.code,
    requestId: c.get('requestId') ?? 'unknown',
    ...(c.get('backend') ? { backend: c.get('backend') } : {}),
    ...(error.errors?.length ? { errors: error.errors } : {}),
    ...(error.upstream ? { upstream: error.upstream } : {}),
    ...(error.created ? { created: error.created } : {}),
  };
  const headers = new Headers({ 'content-type': 'application/problem+json' });
  if (error.retryAfter !== undefined) headers.set('retry-after', String(error.retryAfter));
  if (error.code === 'unauthorized') headers.set('www-authenticate', 'Bearer realm="customer-gateway"');
  // The rest of an oversized body is still on the wire: a kept-alive connection would read it as
  // the next request. Closing tells the client to send its next request on a fresh connection.
  if (error.code === 'payload_too_large') headers.set('connection', 'close');
  for (const [name, value] of Object.entries(c.get('extraHeaders') ?? {})) headers.set(name, value);
  if (c.get('requestId')) headers.set('x-request-id', c.get('requestId'));
  return new Response(JSON.stringify(problem), { status: error.status, headers });
}

/** Anything thrown becomes a GatewayError first; only a real bug is `internal`. */
export const onError: ErrorHandler<GatewayEnv> = (error, c) => {
  const gatewayError = toGatewayError(error);
  if (gatewayError.code === 'internal') c.get('log')?.error({ err: error }, 'unhandled error');
  return problemResponse(c, gatewayError);
};

function toGatewayError(error: unknown): GatewayError {
  if (isGatewayError(error)) return error;
  if (error instanceof HTTPException) {
    if (error.status === 413) return new GatewayError('payload_too_large', 'the request body is too large');
    if (error.status === 415) return new GatewayError('unsupported_media_type', error.message);
    if (error.status < 500) return new GatewayError('validation_failed', error.message || 'the request is malformed');
  }
  return new GatewayError('internal', 'the gateway failed unexpectedly; the request id identifies it in the logs', {
    cause: error,
  });
}

export const notFound = (c: Context<GatewayEnv>) =>
  problemResponse(c, new GatewayError('not_found', `no route ${c.req.method} ${c.req.path}`));
