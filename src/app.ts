import { OpenAPIHono } from '@hono/zod-openapi';
import { cors } from 'hono/cors';
import type { GatewayEnv } from './context.js';
import type { GatewayDeps } from './deps.js';
import { selectBackend } from './middleware/backend.js';
import { AUTH_PATH, operatorCheck, requireApiKey } from './middleware/auth.js';
import { limitBody, requireJsonBody } from './middleware/body.js';
import { notFound, onError } from './middleware/errors.js';
import { requestContext } from './middleware/request-context.js';
import { requireShopper } from './middleware/shopper.js';
import { validationHook } from './middleware/validation.js';
import { passwordResetConfirmRoutes, passwordResetRoutes } from './accounts/reset-routes.js';
import { adminAccountRoutes, meAccountRoutes } from './accounts/routes.js';
import { addressRoutes } from './routes/addresses.js';
import { loginRoutes, sessionRoutes } from './routes/auth.js';
import { backendRoutes } from './routes/backends.js';
import { customerRoutes } from './routes/customers.js';
import { docsRoutes } from './routes/docs.js';
import { meRoutes } from './routes/me.js';
import { withBackendParameter, withIdempotencyKey, withResponseHeaders, withSecurity } from './routes/openapi.js';
import { adminSubject } from './routes/subject.js';
import { idempotency } from './idempotency/middleware.js';
import { documentEventWebhook, eventRoutes } from './events/routes.js';
import { callerRateLimit } from './limits/caller-limit.js';
import { liveMigrationRoutes } from './live/index.js';
import { healthRoutes } from './health/routes.js';
import { requestMetrics } from './metrics/middleware.js';
import { metricsRoutes } from './metrics/routes.js';

export const API_VERSION = '1.0.0';

/** The gateway as a Hono app. No side effects: the entries (node.ts, worker.ts) build deps and serve it. */
export function createApp(deps: GatewayDeps) {
  const app = new OpenAPIHono<GatewayEnv>({ defaultHook: validationHook });
  app.onError(onError);
  app.notFound(notFound);
  // Metrics and traces first: they see every request whole, its error answer included (docs/operations.md).
  if (deps.metrics) app.use('*', requestMetrics(deps.metrics));
  if (deps.tracing) app.use('*', deps.tracing.requests);
  app.use('*', requestContext(deps.log, deps.config.requestTimeoutMs, deps.observeAttempt));
  if (deps.config.corsOrigins.length > 0) {
    app.use(
      '*',
      cors({
        origin: deps.config.corsOrigins.includes('*') ? '*' : deps.config.corsOrigins,
        allowHeaders: [
          'Authorization',
          'Content-Type',
          'If-Match',
          'If-None-Match',
          'X-Api-Key',
          'X-Request-Id',
          'Idempotency-Key',
        ],
        allowMethods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
        exposeHeaders: [
          'ETag',
          'Location',
          'Link',
          'Retry-After',
          'X-Request-Id',
          'Idempotent-Replayed',
          'RateLimit-Limit',
          'RateLimit-Remaining',
          'RateLimit-Reset',
        ],
        maxAge: 600,
      }),
    );
  }
  if (deps.config.apiKeys.length > 0) app.use('/v1/*', requireApiKey(deps.config.apiKeys));
  app.use('/v1/customers', selectBackend(deps, false));
  app.use('/v1/customers/*', selectBackend(deps, false));
  app.use('/v1/auth/login', selectBackend(deps, false));
  app.use('/v1/auth/password-reset', selectBackend(deps, false));
  app.use('/v1/backends/:backend/*', selectBackend(deps, true));
  app.use('/v1/me', requireShopper(deps));
  app.use('/v1/me/*', requireShopper(deps));
  // After the shopper is known: on /v1/me… each session has its own budget (see callerOf).
  if (deps.config.callerRateLimit) {
    const refused = deps.metrics && (() => deps.metrics!.callerRefusals.inc());
    app.use('/v1/*', callerRateLimit(deps.store, deps.config.callerRateLimit, deps.clientAddress, refused));
  }
  // After the backend is known, so body problems name it (and an unknown backend is a 404 first).
  app.use('/v1/*', limitBody, requireJsonBody);
  // Sign-in, refresh and logout are not resource writes: replaying their tokens would be wrong.
  const idempotent = idempotency(deps);
  app.use('/v1/*', (c, next) => (AUTH_PATH.test(c.req.path) ? next() : idempotent(c, next)));

  const served = [...deps.backends.keys()];
  const routed = app
    .route('/', healthRoutes(deps.readiness, served, operatorCheck(deps.config.apiKeys, served)))
    .route('/', metricsRoutes(deps))
    .route('/', docsRoutes(deps.docsAssets))
    .route('/v1', backendRoutes(deps))
    .route('/v1', customerRoutes(deps, false))
    .route('/v1', addressRoutes(deps, adminSubject(false, 'addresses')))
    .route('/v1', loginRoutes(deps, false))
    .route('/v1', sessionRoutes(deps))
    .route('/v1', meRoutes(deps))
    .route('/v1', liveMigrationRoutes(deps))
    .route('/v1', eventRoutes(deps.events))
    .route('/v1/backends/:backend', customerRoutes(deps, true))
    .route('/v1/backends/:backend', addressRoutes(deps, adminSubject(true, 'addresses')))
    .route('/v1/backends/:backend', loginRoutes(deps, true))
    // The shopper's account life: password reset, erasure, export (src/accounts/).
    .route('/v1', passwordResetRoutes(deps, false))
    .route('/v1', passwordResetConfirmRoutes(deps))
    .route('/v1', meAccountRoutes(deps))
    .route('/v1', adminAccountRoutes(deps, false))
    .route('/v1/backends/:backend', passwordResetRoutes(deps, true))
    .route('/v1/backends/:backend', adminAccountRoutes(deps, true));

  documentEventWebhook(app.openAPIRegistry);
  let document: object | undefined;
  routed.get('/openapi.json', (c) => {
    document ??= withResponseHeaders(
      withSecurity(
        withIdempotencyKey(
          withBackendParameter(
            app.getOpenAPI31Document({
              openapi: '3.1.0',
              info: {
                title: 'customer-gateway',
                version: API_VERSION,
                description:
                  'One canonical customer/address API in front of SFCC OCAPI, SCAYLE Admin API and Open2b, with shopper sessions for storefronts.',
              },
            }),
          ),
          deps.config.idempotency === 'required',
        ),
        deps.config.apiKeys.length > 0,
      ),
      { callerLimits: deps.config.callerRateLimit !== undefined, keysRequired: deps.config.apiKeys.length > 0 },
    );
    // The server is wherever this document was fetched from, so "Try it out" calls this gateway.
    return c.json({ ...document, servers: [{ url: new URL(c.req.url).origin, description: 'this gateway' }] });
  });
  return routed;
}

export type GatewayApp = ReturnType<typeof createApp>;
