import countries from 'i18n-iso-countries';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { createRateLimiter, type RateBudget } from '../shared/rate-limit.js';
import { addressRoutes } from './addresses.js';
import { customerRoutes } from './customers.js';
import { API_PREFIX, CUSTOMERS, scayleResources } from './resource.js';
import type { ScayleStore } from './store.js';
import {
  ERROR_KEYS,
  errorResponse,
  rateLimitedResponse,
  rateLimitHeaders,
  ScayleHttpError,
  scayleError,
  scopeOf,
} from './wire.js';

export { API_PREFIX } from './resource.js';
export { CURSOR_PARAM } from './customers.js';

export interface ScayleAppOptions {
  store: ScayleStore;
  accessToken: string;
  shopKey: string;
  faults: MiddlewareHandler;
  rateLimit?: RateBudget;
}

/**
 * The SCAYLE Admin API app: SCAYLE's error bodies, fault injection, X-Access-Token auth, the
 * per-scope budget, the shop country check, then one route group per resource.
 */
export function createScayleApp(options: ScayleAppOptions) {
  const limiter = options.rateLimit ? createRateLimiter(options.rateLimit) : undefined;
  const app = new Hono();

  app.onError((error) => {
    if (error instanceof ScayleHttpError) return errorResponse(error.status, error.errors);
    return errorResponse(500, [scayleError(ERROR_KEYS.internal, 'Internal server error.')]);
  });
  app.notFound(() => errorResponse(404, [scayleError(ERROR_KEYS.routeNotFound, 'Route not found.')]));

  app.use('*', options.faults);

  // Authentication comes before the budget: SCAYLE counts authenticated calls per scope.
  app.use(`${API_PREFIX}/*`, async (c, next) => {
    const token = c.req.header('x-access-token');
    if (!token || token !== options.accessToken) {
      return errorResponse(401, [scayleError(ERROR_KEYS.unauthorized, 'Missing or invalid access token.')]);
    }
    if (!limiter) return next();
    const scope = scopeOf(c.req.method);
    const taken = limiter.take(scope);
    if (!taken.ok) return rateLimitedResponse(scope, options.rateLimit!.limit, taken.resetSeconds);
    await next();
    const headers = rateLimitHeaders(scope, options.rateLimit!.limit, taken.remaining, taken.resetSeconds);
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  });

  // The shop must be ours; the country may be given as alpha-2 or alpha-3 (SCAYLE's docs use both).
  app.use(`${CUSTOMERS}/*`, checkShop);
  app.use(CUSTOMERS, checkShop);
  async function checkShop(c: Context, next: () => Promise<void>) {
    const { shopKey, countryCode } = c.req.param() as { shopKey: string; countryCode: string };
    if (shopKey !== options.shopKey || !countries.isValid(countryCode)) {
      return errorResponse(404, [
        scayleError(ERROR_KEYS.notFound, 'Shop country not found.', { entity: 'shopCountry' }),
      ]);
    }
    await next();
  }

  const resources = scayleResources(options.store, options.shopKey);
  app.route('/', customerRoutes(resources));
  app.route('/', addressRoutes(resources));
  return { app, limiter };
}
