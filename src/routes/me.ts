import { OpenAPIHono } from '@hono/zod-openapi';
import { ShopperPasswordChangeSchema } from '../../schemas/index.js';
import type { GatewayEnv } from '../context.js';
import type { GatewayDeps } from '../deps.js';
import { addressRoutes } from './addresses.js';
import { profileRoutes } from './profile.js';
import { meSubject } from './subject.js';

/** /v1/me…: the signed-in shopper's own profile and address book, the admin routes' shapes and rules. */
export function meRoutes(deps: GatewayDeps) {
  return new OpenAPIHono<GatewayEnv>()
    .route('/', profileRoutes(deps, meSubject, {
      schema: ShopperPasswordChangeSchema,
      summary: 'Change my password (the current one is required); my other sessions end',
      afterChange: (c) => deps.sessions.endSessions(c.get('backend'), c.get('shopper').sub, c.get('shopper').sid),
    }))
    .route('/', addressRoutes(deps, meSubject));
}
