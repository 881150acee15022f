import type { Context } from 'hono';
import { matchedRoutes } from 'hono/route';

/** The one route label of every request no route answered (a 404 for an unknown path). */
const UNMATCHED_ROUTE = 'unmatched';

/** `:customerId` (and `:id{regex}`) → `{customerId}`, as the OpenAPI document writes it; by Hono path. */
const templates = new Map<string, string>();

/**
 * The route template that answered the request, e.g. `/v1/backends/{backend}/customers/{customerId}`:
 * never the path itself (ids, emails), so traces and metrics have a bounded set of names. The last
 * route Hono matched with a method of its own; middleware (`app.use`) matches every method.
 */
export function routeTemplate(c: Context): string {
  const routes = matchedRoutes(c);
  for (let i = routes.length - 1; i >= 0; i--) {
    const route = routes[i]!;
    if (route.method === 'ALL') continue;
    let template = templates.get(route.path);
    if (template === undefined) {
      template = route.path.replace(/:(\w+)(?:\{[^}]*\})?/g, '{$1}');
      templates.set(route.path, template);
    }
    return template;
  }
  return UNMATCHED_ROUTE;
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/** The request method as a bounded label: anything unusual is `OTHER`. */
export const methodLabel = (method: string) => (METHODS.has(method) ? method : 'OTHER');
