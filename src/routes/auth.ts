import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { GatewayError, isGatewayError, isNotFound } from '../../adapters/errors.js';
import { WRONG_CREDENTIALS } from '../../adapters/types.js';
import { capable } from '../../adapters/unsupported.js';
import { Email, Password } from '../../schemas/index.js';
import type { GatewayEnv } from '../context.js';
import type { GatewayDeps } from '../deps.js';
import { assertKeyReaches } from '../middleware/auth.js';
import { validationHook } from '../middleware/validation.js';
import { body, json, problem, problemResponses } from './support.js';

const LoginSchema = z.strictObject({ email: Email, password: Password }).openapi('ShopperLogin');
const RefreshSchema = z.strictObject({ refreshToken: z.string().min(1).max(512) }).openapi('RefreshTokenRequest');
const SessionSchema = z
  .object({
    accessToken: z.string().openapi({ description: 'A JWT for `Authorization: Bearer` on /v1/me…' }),
    refreshToken: z
      .string()
      .openapi({ description: 'Good for one POST /v1/auth/refresh; using it twice ends the session.' }),
    expiresIn: z.int().openapi({ description: 'Seconds the access token is valid (900).', example: 900 }),
    customerId: z.string(),
  })
  .openapi('ShopperSession');

const {
  400: invalid,
  403: keyRefused,
  413: tooLarge,
  415: notJson,
  502: upstreamFailed,
  503: unreachable,
  504: tooSlow,
} = problemResponses;
const authProblems = {
  400: invalid,
  401: problem('Email or password wrong (the same answer for an unknown email), or the token is not valid'),
  403: keyRefused,
  413: tooLarge,
  415: notJson,
} as const;
const loginProblems = {
  ...authProblems,
  429: problem('Too many failed logins for this account or client address; see Retry-After'),
  501: problem('The backend cannot verify shopper passwords; `detail` says what instead'),
  502: upstreamFailed,
  503: unreachable,
  504: tooSlow,
} as const;

/** POST …/auth/login: mounted at /v1 (default backend) and /v1/backends/{backend}. */
export function loginRoutes(deps: GatewayDeps, scoped: boolean) {
  return new OpenAPIHono<GatewayEnv>({ defaultHook: validationHook }).openapi(
    createRoute({
      method: 'post',
      path: '/auth/login',
      operationId: scoped ? 'loginShopperOnBackend' : 'loginShopper',
      tags: ['auth (shopper)'],
      summary: 'Sign a shopper in with email and password (the backend checks the password)',
      request: { body: body(LoginSchema) },
      responses: {
        200: json(SessionSchema, 'Signed in: an access token (15 min) and a refresh token'),
        ...loginProblems,
      },
    }),
    async (c) => {
      const { email, password } = c.req.valid('json');
      const adapter = c.get('adapter');
      const backend = c.get('backend');
      const client = deps.clientAddress(c) ?? 'unknown';
      const authenticate = capable(adapter, 'shopperLogin');
      const attempt = await deps.loginLimits.begin(backend, email, client);
      let customerId: string;
      try {
        ({ customerId } = await authenticate({ email, password }, c.get('call')));
      } catch (error) {
        // Counted as failed; one answer for an unknown email and a wrong password, whatever the adapter said.
        if (isGatewayError(error) && error.code === 'unauthorized')
          throw new GatewayError('unauthorized', WRONG_CREDENTIALS);
        await attempt.undecided();
        throw error;
      }
      await attempt.succeeded();
      return c.json(await deps.sessions.start(customerId, backend), 200);
    },
  );
}

/**
 * Whether the platform still has the session's customer, active: what a refresh asks, so that a
 * customer deleted or deactivated on the platform itself (not through the gateway, which ends the
 * sessions at once) cannot refresh for the rest of the 30 days. A backend no longer configured
 * ends the session too.
 */
async function maySignIn(deps: GatewayDeps, c: Context<GatewayEnv>, backend: string, sub: string): Promise<boolean> {
  const adapter = deps.backends.get(backend);
  if (!adapter) return false;
  try {
    const { value } = await adapter.getCustomer({ kind: 'id', id: sub }, { expandAddresses: false }, c.get('call'));
    return value.status.active;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/** Refresh and logout: the refresh token names its own session and backend. */
export function sessionRoutes(deps: GatewayDeps) {
  return new OpenAPIHono<GatewayEnv>({ defaultHook: validationHook })
    .openapi(
      createRoute({
        method: 'post',
        path: '/auth/refresh',
        operationId: 'refreshShopperSession',
        tags: ['auth (shopper)'],
        summary: 'Trade a refresh token for a new pair (the old one is used up)',
        request: { body: body(RefreshSchema) },
        responses: {
          200: json(SessionSchema, 'A new access token and refresh token'),
          ...authProblems,
          // The platform is asked whether the customer still may sign in; the token stays good for a retry.
          502: upstreamFailed,
          503: unreachable,
          504: tooSlow,
        },
      }),
      async (c) =>
        c.json(
          await deps.sessions.refresh(
            c.req.valid('json').refreshToken,
            (backend) => assertKeyReaches(c, backend),
            (backend, sub) => maySignIn(deps, c, backend, sub),
          ),
          200,
        ),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/auth/logout',
        operationId: 'logoutShopper',
        tags: ['auth (shopper)'],
        summary: "End the refresh token's session (idempotent)",
        request: { body: body(RefreshSchema) },
        responses: { 204: { description: 'The session has ended' }, ...authProblems },
      }),
      async (c) => {
        await deps.sessions.end(c.req.valid('json').refreshToken, (backend) => assertKeyReaches(c, backend));
        return c.body(null, 204);
      },
    );
}
