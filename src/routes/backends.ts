import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { CapabilitiesSchema } from '../../schemas/index.js';
import type { GatewayEnv } from '../context.js';
import type { GatewayDeps } from '../deps.js';
import { keyReaches } from '../middleware/auth.js';
import { problemResponses } from './support.js';

const BackendListSchema = z
  .object({
    default: z.string(),
    items: z.array(
      z.object({
        name: z.string(),
        platform: z
          .string()
          .openapi({ description: 'The platform; differs from `name` for an instance (`brand-a:scayle`)' }),
        default: z.boolean(),
        embedded: z.boolean(),
        capabilities: CapabilitiesSchema,
      }),
    ),
  })
  .openapi('BackendList');

export function backendRoutes(deps: GatewayDeps) {
  return new OpenAPIHono<GatewayEnv>().openapi(
    createRoute({
      method: 'get',
      path: '/backends',
      operationId: 'listBackends',
      tags: ['backends'],
      summary: 'Configured backends, the default one, and what each can do',
      responses: {
        200: { description: 'The backends', content: { 'application/json': { schema: BackendListSchema } } },
        401: problemResponses[401],
        403: problemResponses[403],
      },
    }),
    (c) =>
      c.json(
        {
          default: deps.config.defaultBackend,
          // Every served backend (the live migration's `live` too: it is no configured platform); a key
          // limited to some backends sees only those.
          items: [...deps.backends]
            .filter(([name]) => keyReaches(c, name))
            .map(([name, adapter]) => {
              const configured = deps.config.backends.find((b) => b.name === name);
              return {
                name,
                platform: configured ? (configured.platform ?? name) : name,
                default: name === deps.config.defaultBackend,
                embedded: configured?.embedded ?? false,
                capabilities: adapter.capabilities,
              };
            }),
        },
        200,
      ),
  );
}
