import { Hono, type MiddlewareHandler } from 'hono';
import { createRateLimiter, type RateBudget } from '../shared/rate-limit.js';
import { accountManagerApp, type TokenIssuer } from './auth.js';
import { dataApp } from './data.js';
import { type HookFailure, shopApp } from './shop.js';
import type { SfccStore } from './store.js';
import { faultResponse } from './wire.js';

export const quotaExceeded = (seconds: number) =>
  faultResponse('quotaExceeded', 'The request quota has been exceeded.', undefined, { 'retry-after': String(seconds) });

/** Where things live under the emulator's origin (as on a sandbox). */
export const SFCC_SITE = 'SiteGenesis';
export const SFCC_SHOP_PATH = `/s/${SFCC_SITE}/dw/shop/v20_4`;
export const SFCC_DATA_PATH = '/s/-/dw/data/v20_4';
export const SFCC_OAUTH_PATH = '/dwsso/oauth2/access_token';
export const SFCC_CUSTOMER_LIST_ID = 'SiteGenesis';

export interface SfccAppOptions {
  store: SfccStore;
  issuer: TokenIssuer;
  hooks: HookFailure[];
  faults: MiddlewareHandler;
  rateLimit?: RateBudget;
}

/** The OCAPI app under one origin: Account Manager, the Shop API and the Data API, behind faults and quotas. */
export function createSfccApp({ store, issuer, hooks, faults, rateLimit }: SfccAppOptions) {
  const app = new Hono();
  app.use('*', faults);
  // OCAPI quotas, when asked for: one fixed window per emulator, answered like an injected 429.
  const limiter = rateLimit ? createRateLimiter(rateLimit) : undefined;
  if (limiter) {
    app.use('*', async (_c, next) => {
      const budget = limiter.take();
      return budget.ok ? next() : quotaExceeded(budget.resetSeconds);
    });
  }
  app.route('/dwsso/oauth2', accountManagerApp(issuer));
  app.route(SFCC_SHOP_PATH, shopApp({ store, issuer, hooks, basePath: SFCC_SHOP_PATH, minPasswordLength: 8 }));
  app.route(SFCC_DATA_PATH, dataApp({ store, issuer, customerList: SFCC_CUSTOMER_LIST_ID }));
  app.notFound(() => faultResponse('notFound', 'The requested resource does not exist.'));
  app.onError(() => faultResponse('internal', 'An internal error occurred.'));
  return { app, limiter };
}
