import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { GatewayError } from '../../adapters/errors.js';
import type { GatewayEnv } from '../context.js';
import type { GatewayDeps } from '../deps.js';
import { validationHook } from '../middleware/validation.js';
import { json, problemResponses } from '../routes/support.js';
import { LIVE_BACKEND } from './config.js';
import { unreachable } from './locate.js';

const count = (description: string) => z.int().min(0).openapi({ description });

const LiveMigrationStatusSchema = z
  .object({
    source: z.string(),
    target: z.string(),
    phase: z.enum(['dual', 'target']),
    mirror: z.boolean(),
    moved: count('Customers moved to the target by `live` or by a batch run sharing its store.'),
    passwordsCarried: count('Passwords set on the target at sign-in (verified by the source first).'),
    loginsVerifiedAtSource: count('Sign-ins whose password the source verified.'),
    mirrorFailures: count('Writes to moved customers that mirror mode could not apply to the source (see the log).'),
    sourceCustomers: count('Customers on the source, where it counts them cheaply (only in `dual`).').optional(),
    remaining: count(
      'Source customers not moved yet (`sourceCustomers` − `moved`), where the source counts.',
    ).optional(),
  })
  .openapi('LiveMigrationStatus');

const { 401: noKey, 403: keyRefused, 404: missing, 502: failed, 503: down, 504: slow } = problemResponses;

/**
 * GET /v1/backends/live/migration: how far the live migration is (admin). Declared with a
 * `{backend}` parameter rather than a literal `live` segment: a literal where every other route
 * has `:backend` makes Hono's RegExpRouter refuse the route table, and the app would fall back to
 * the slower TrieRouter for every request (test/live/live.test.ts checks which one runs).
 */
export function liveMigrationRoutes(deps: GatewayDeps) {
  return new OpenAPIHono<GatewayEnv>({ defaultHook: validationHook }).openapi(
    createRoute({
      method: 'get',
      path: '/backends/{backend}/migration',
      operationId: 'getLiveMigrationStatus',
      tags: ['live migration'],
      summary: 'How far the live migration (LIVE_MIGRATION) is: customers moved, passwords carried, what remains',
      description: `Only the \`${LIVE_BACKEND}\` backend has a migration status: any other backend answers 404.`,
      responses: {
        200: json(LiveMigrationStatusSchema, 'The migration status'),
        401: noKey,
        403: keyRefused,
        404: missing,
        502: failed,
        503: down,
        504: slow,
      },
    }),
    async (c) => {
      const config = deps.config.liveMigration;
      if (c.req.param('backend') !== LIVE_BACKEND)
        throw new GatewayError('not_found', `only the ${LIVE_BACKEND} backend has a migration status`);
      if (!config || !deps.live)
        throw new GatewayError('not_found', 'no live migration is configured (LIVE_MIGRATION)');
      const counts = await deps.live.identities.counts();
      const source = deps.backends.get(config.source)!;
      let sourceCustomers: number | undefined;
      if (config.phase === 'dual' && source.capabilities.listCustomers && source.capabilities.totalCount) {
        // The status stays readable while the source is down: only the count is left out then.
        sourceCustomers = await source.listCustomers!({ limit: 1 }, c.get('call')).then(
          (page) => page.total,
          (error: unknown) => {
            if (unreachable(error)) return undefined;
            throw error;
          },
        );
      }
      return c.json(
        {
          source: config.source,
          target: config.target,
          phase: config.phase,
          mirror: config.mirror,
          ...counts,
          ...(sourceCustomers !== undefined
            ? { sourceCustomers, remaining: Math.max(0, sourceCustomers - counts.moved) }
            : {}),
        },
        200,
      );
    },
  );
}
