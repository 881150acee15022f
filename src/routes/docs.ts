import { swaggerUI } from '@hono/swagger-ui';
import { Hono } from 'hono';
import type { GatewayEnv } from '../context.js';

/** The two Swagger UI files /docs loads, read from the installed `swagger-ui-dist` package. */
export const DOCS_ASSETS = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
} as const;
export type DocsAsset = keyof typeof DOCS_ASSETS;
/**
 * How a runtime reads them: from node_modules on Node. Workers have none: the same paths are
 * static assets there, answered before the Worker runs (wrangler.toml `[assets]`).
 */
export type DocsAssetLoader = (name: DocsAsset) => Promise<string>;

/**
 * /docs without a CDN: the page loads Swagger UI from /docs/swagger-ui-dist/…, which the gateway
 * (or, on Workers, its static assets) serves itself, so the docs work offline and under a strict
 * content policy.
 */
export function docsRoutes(loadAsset: DocsAssetLoader) {
  const cache = new Map<DocsAsset, Promise<string>>();
  return new Hono<GatewayEnv>()
    .get('/docs', swaggerUI({ url: '/openapi.json', title: 'customer-gateway API', baseUrl: '/docs' }))
    .get('/docs/swagger-ui-dist/:file', async (c) => {
      const file = c.req.param('file');
      if (!Object.hasOwn(DOCS_ASSETS, file)) return c.notFound();
      const name = file as DocsAsset;
      if (!cache.has(name))
        cache.set(
          name,
          loadAsset(name).catch((error) => {
            cache.delete(name);
            throw error;
          }),
        );
      const text = await cache.get(name)!;
      return c.body(text, 200, { 'content-type': DOCS_ASSETS[name], 'cache-control': 'public, max-age=86400' });
    });
}
