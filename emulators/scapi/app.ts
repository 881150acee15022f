import { type Context, Hono, type MiddlewareHandler } from 'hono';
import { createRateLimiter } from '../shared/rate-limit.js';
import { accountManagerApp } from './auth.js';
import { adminAddressesApp } from './addresses.js';
import { adminCustomersApp, type ScapiRealm } from './admin.js';
import { shopperCustomersApp } from './shopper.js';
import { slasApp } from './slas.js';
import {
  ACCOUNT_MANAGER_PATH,
  ADMIN_PREFIX,
  loadShedHeaders,
  oauthError,
  problem,
  SHOPPER_PREFIX,
  SLAS_PREFIX,
} from './wire.js';

export interface ScapiAppOptions {
  realm: ScapiRealm;
  faults: MiddlewareHandler;
  rateLimit?: { limit: number; windowSeconds: number };
}

/** A problem document with another status than its type's usual one (injected faults). */
export function problemWithStatus(status: number, ...args: Parameters<typeof problem>): Response {
  const response = problem(...args);
  return new Response(response.body, { status, headers: response.headers });
}

/**
 * The SCAPI emulator's one Hono app under one origin, as a short code's host serves them:
 * Account Manager's token endpoint, Admin Customers (`/customer/customers/v1`), Shopper
 * Customers (`/customer/shopper-customers/v1`) and SLAS (`/shopper/auth/v1`), one app.route()
 * per resource. Fault injection runs first; the optional rate limit is a fixed window per
 * emulator answered with SCAPI's 429.
 */
export function createScapiApp({ realm, faults, rateLimit }: ScapiAppOptions) {
  const app = new Hono();
  app.use('*', faults);
  // SCAPI rate limits per API client, when asked for: one window for the emulator's one client.
  const limiter = rateLimit ? createRateLimiter(rateLimit) : undefined;
  let load = 5;
  if (limiter && rateLimit) {
    app.use('*', async (_c, next) => {
      const budget = limiter.take();
      load = Math.round((100 * (rateLimit.limit - budget.remaining)) / rateLimit.limit);
      return budget.ok
        ? next()
        : problem(
            'too-many-requests',
            'The rate limit of this API client is exceeded.',
            {},
            { 'retry-after': String(budget.resetSeconds) },
          );
    });
  }
  // Endpoints protected by load shedding report the capacity in use on every answer.
  app.use('/customer/*', async (c, next) => {
    await next();
    if (!c.res.headers.has('sfdc_load')) c.res.headers.set('sfdc_load', String(load));
  });
  app.route(ACCOUNT_MANAGER_PATH, accountManagerApp(realm.tokens));
  app.route(ADMIN_PREFIX, adminCustomersApp(realm));
  app.route(ADMIN_PREFIX, adminAddressesApp(realm));
  app.route(SHOPPER_PREFIX, shopperCustomersApp(realm));
  app.route(SLAS_PREFIX, slasApp(realm));
  app.notFound(() => problem('not-found', 'The requested resource does not exist.'));
  app.onError(() => problem('internal-server-error', 'An internal error occurred.'));
  return { app, limiter };
}

/** What the shared fault injection answers on this platform: problem documents, load shedding on 503. */
export const scapiFaultResponders = {
  error: (_c: unknown, status: number) =>
    status === 503
      ? problem('service-unavailable', 'The system is under heavy load; the request was shed.', {}, loadShedHeaders())
      : problemWithStatus(status, 'internal-server-error', 'An error occurred while processing the request.'),
  rateLimited: (_c: unknown, seconds: number) =>
    problem(
      'too-many-requests',
      'The rate limit of this API client is exceeded.',
      {},
      { 'retry-after': String(seconds) },
    ),
  // Account Manager refuses the client; the APIs refuse its token (the adapter then asks AM again).
  unauthorized: (c: Context) =>
    c.req.path.startsWith(ACCOUNT_MANAGER_PATH)
      ? oauthError(401, 'invalid_client', 'Client authentication failed')
      : problem('invalid-access-token', 'The access token was revoked.'),
  forbidden: () => problem('insufficient-scope', 'The access token lacks a scope this resource needs.'),
};
