import type { MiddlewareHandler } from 'hono';
import { GatewayError } from '../../adapters/errors.js';
import type { GatewayEnv } from '../context.js';
import type { GatewayDeps } from '../deps.js';
import { assertKeyReaches } from './auth.js';

/** Picks the adapter: the one named in /v1/backends/{backend}, or the default under /v1. */
export function selectBackend(deps: GatewayDeps, scoped: boolean): MiddlewareHandler<GatewayEnv> {
  // Not async: it hands on next()'s promise rather than awaiting it in one of its own.
  return (c, next) => {
    const name = scoped ? (c.req.param('backend') ?? '') : deps.config.defaultBackend;
    // First: a key limited to some backends learns nothing about the others (not even which exist).
    assertKeyReaches(c, name);
    const adapter = deps.backends.get(name);
    if (!adapter) {
      throw new GatewayError(
        'not_found',
        `backend ${JSON.stringify(name.slice(0, 64))} is not configured (configured: ${[...deps.backends.keys()].join(', ')})`,
        {
          errors: [{ path: 'path.backend', message: 'unknown backend' }],
        },
      );
    }
    c.set('adapter', adapter);
    c.set('backend', name);
    c.set('basePath', scoped ? `/v1/backends/${encodeURIComponent(name)}` : '/v1');
    return next();
  };
}
