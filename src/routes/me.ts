import { OpenAPIHono } from '@hono/zod-openapi';
import { isWrongCurrentPassword } from '../../adapters/errors.js';
import { ShopperCustomerPatchSchema, ShopperPasswordChangeSchema } from '../../schemas/index.js';
import type { GatewayEnv } from '../context.js';
import type { GatewayDeps } from '../deps.js';
import { endAccess } from '../accounts/access.js';
import { credentialChangeGuard } from '../accounts/current-password.js';
import { addressRoutes } from './addresses.js';
import { profileRoutes } from './profile.js';
import { meSubject } from './subject.js';

/** /v1/me…: the signed-in shopper's own profile and address book, the admin routes' shapes and rules. */
export function meRoutes(deps: GatewayDeps) {
  return (
    new OpenAPIHono<GatewayEnv>()
      // A stolen access token must not become a password oracle: wrong current passwords count
      // against the same failed-login limits as logins (per customer and per client address).
      .use('/me/password', async (c, next) => {
        // Only the change checks a password; another method is the router's 404, no guess and
        // no success either (a success clears the customer's count).
        if (c.req.method !== 'PUT') return next();
        const { backend, sub } = c.get('shopper');
        const account = `customer:${sub}`;
        const client = deps.clientAddress(c) ?? 'unknown';
        const attempt = await deps.loginLimits.begin(backend, account, client);
        await next();
        const failed = c.error;
        if (!failed && c.res.status < 300) await attempt.succeeded();
        // A guess is what the platform refused as the wrong current password (every adapter's
        // wrongCurrentPassword); a body without one, or malformed, is the request's own mistake.
        else if (!failed || !isWrongCurrentPassword(failed)) await attempt.undecided();
      })
      .route(
        '/',
        profileRoutes(
          deps,
          meSubject,
          { schema: ShopperCustomerPatchSchema, guard: credentialChangeGuard(deps) },
          {
            schema: ShopperPasswordChangeSchema,
            summary: 'Change my password (the current one is required); my other sessions end',
            afterChange: (c) => endAccess(deps, c.get('backend'), c.get('shopper').sub, { keep: c.get('shopper').sid }),
          },
        ),
      )
      .route('/', addressRoutes(deps, meSubject))
  );
}
