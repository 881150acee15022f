import { OpenAPIHono } from '@hono/zod-openapi';
import { swaggerUI } from '@hono/swagger-ui';
import { cors } from 'hono/cors';
import type { GatewayEnv } from './context.js';
import type { GatewayDeps } from './deps.js';
import { selectBackend } from './middleware/backend.js';
import { requireApiKey } from './middleware/auth.js';
import { limitBody, requireJsonBody } from './middleware/body.js';
import { notFound, onError } from './middleware/errors.js';
import { requestContext } from './middleware/request-context.js';
import { validationHook } from './middleware/validation.js';
import { addressRoutes } from './routes/addresses.js';
import { backendRoutes } from './routes/backends.js';
import { customerRoutes } from './routes/customers.js';
import { withBackendParameter, withIdempotencyKey } from './routes/openapi.js';
import { idempotency } from './idempotency/middleware.js';
import { callerRateLimit } from './limits/caller-limit.js';

export const API_VERSION = '1.0.0';

/** The gateway as a Hono app. No side effects: the entries (node.ts, worker.ts) build deps and serve it. */
export function createApp(deps: GatewayDeps) {
  const app = new OpenAPIHono<GatewayEnv>({ defaultHook: validationHook });
  app.onError(onError);
  app.notFound(notFound);
  app.use('*', requestContext(deps.log, deps.config.requestTimeoutMs));
  if (deps.config.corsOrigins.length > 0) {
    app.use('*', cors({
      origin: deps.config.corsOrigins.includes('*') ? '*' : deps.config.corsOrigins,
      allowHeaders: ['Authorization', 'Content-Type', 'If-Match', 'If-None-Match', 'X-Request-Id', 'Idempotency-Key'],
      allowMethods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
      exposeHeaders: ['ETag', 'Location', 'Link', 'Retry-After', 'X-Request-Id', 'Idempotent-Replayed', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset'],
      maxAge: 600,
    }));
  }
  if (deps.config.apiKeys.length > 0) app.use('/v1/*', requireApiKey(deps.config.apiKeys));
  if (deps.config.callerRateLimit) app.use('/v1/*', callerRateLimit(deps.store, deps.config.callerRateLimit));
  app.use('/v1/customers', selectBackend(deps, false));
  app.use('/v1/customers/*', selectBackend(deps, false));
  app.use('/v1/backends/:backend/*', selectBackend(deps, true));
  // After the backend is known, so body problems name it (and an unknown backend is a 404 first).
  app.use('/v1/*', limitBody, requireJsonBody);
  app.use('/v1/*', idempotency(deps));

  const routed = app
    .get('/health', (c) => c.json({ status: 'ok' as const, backends: [...deps.backends.keys()] }))
    .get('/docs', swaggerUI({ url: '/openapi.json', title: 'customer-gateway API' }))
    .route('/v1', backendRoutes(deps))
    .route('/v1', customerRoutes(deps, false))
    .route('/v1', addressRoutes(deps, false))
    .route('/v1/backends/:backend', customerRoutes(deps, true))
    .route('/v1/backends/:backend', addressRoutes(deps, true));

  let document: unknown;
  routed.get('/openapi.json', (c) => {
    document ??= withIdempotencyKey(withBackendParameter(
      app.getOpenAPI31Document({
        openapi: '3.1.0',
        info: { title: 'customer-gateway', version: API_VERSION, description: 'One canonical customer/address API in front of SFCC OCAPI, SCAYLE Admin API and Open2b.' },
      }),
    ), deps.config.idempotency === 'required');
    return c.json(document);
  });
  return routed;
}

export type GatewayApp = ReturnType<typeof createApp>;
