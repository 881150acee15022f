import { Hono, type MiddlewareHandler } from 'hono';
import { createRateLimiter } from '../shared/rate-limit.js';
import { methods, type MethodContext } from './methods.js';
import type { Open2bStore } from './store.js';
import { check, errorBody, Open2bError, plainResponse, REQUESTS } from './wire.js';

export const API_PREFIX = '/api/v6';
/** The customers namespace the emulator implements. */
const NAMESPACE = 'commerce.customers.';
/**
 * Open2b's API: an unknown method answers non-JSON non-200, while "a method the installation
 * lacks" is an InvalidValue on the method. The emulator reads a well-formed Open2b method name
 * (`area.resource.action`) it does not implement as the latter, anything else as the former.
 */
const WELL_FORMED_METHOD = /^[a-z]+\.[a-zA-Z]+\.[a-zA-Z]+$/;

export interface Open2bAppOptions {
  store: Open2bStore;
  apiKey: string;
  keyHeader: string;
  faults: MiddlewareHandler;
  now(): string;
  rateLimit?: { limit: number; windowSeconds: number };
  /** Awaited before any method runs (demo passwords are hashed asynchronously). */
  ready(): Promise<void>;
}

export const rateLimitedResponse = (seconds: number) =>
  plainResponse(429, 'Too Many Requests: the limit is 1000 calls every 5 minutes', { 'retry-after': String(seconds) });

/** POST {base}/{method} with a JSON body; everything Open2b says at the HTTP level is plain text. */
export function createOpen2bApp(options: Open2bAppOptions) {
  const limiter = options.rateLimit ? createRateLimiter(options.rateLimit) : undefined;
  const app = new Hono();
  app.use('*', options.faults);

  app.all(`${API_PREFIX}/:method`, async (c) => {
    if (c.req.method !== 'POST') return plainResponse(405, 'Method Not Allowed', { allow: 'POST' });
    const key = c.req.header(options.keyHeader);
    if (!key || key !== options.apiKey) return plainResponse(403, 'Forbidden');
    const budget = limiter?.take();
    if (budget && !budget.ok) return rateLimitedResponse(budget.resetSeconds);

    const method = c.req.param('method');
    const action = method.startsWith(NAMESPACE) ? method.slice(NAMESPACE.length) : undefined;
    const handler = action === undefined ? undefined : methods[action];
    if (!handler || !REQUESTS[action!]) {
      if (!WELL_FORMED_METHOD.test(method)) return plainResponse(404, 'Not Found');
      return c.json(errorBody(new Open2bError('method', 'InvalidValue', `Method '${method}' does not exist`)), 200);
    }

    let body: unknown;
    try {
      const text = await c.req.text();
      body = text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      return c.json(errorBody(new Open2bError('', 'Malformed', 'The request is not valid JSON')), 200);
    }
    try {
      check(REQUESTS[action!]!, body, '');
      await options.ready();
      const ctx: MethodContext = { store: options.store, now: options.now };
      return c.json({ status: 'ok', ...(await handler(body as Record<string, unknown>, ctx)) }, 200);
    } catch (error) {
      if (!(error instanceof Open2bError)) throw error;
      // The docs name fields of the customer being written relative to it (`code`, not `customer.code`).
      const field = error.field.replace(/^customer\./, '');
      return c.json(errorBody(new Open2bError(field, error.type, error.description)), 200);
    }
  });

  app.all('*', () => plainResponse(404, 'Not Found'));
  return { app, limiter };
}
