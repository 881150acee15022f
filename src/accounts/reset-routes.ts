import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { GatewayError } from '../../adapters/errors.js';
import { detachedCall } from '../../adapters/support.js';
import { unsupported } from '../../adapters/unsupported.js';
import { deadlineSignal } from '../../transport/deadline.js';
import {
  PasswordResetAcceptedSchema,
  PasswordResetConfirmSchema,
  PasswordResetRequestSchema,
} from '../../schemas/index.js';
import type { GatewayEnv } from '../context.js';
import type { GatewayDeps } from '../deps.js';
import { assertKeyReaches } from '../middleware/auth.js';
import { validationHook } from '../middleware/validation.js';
import { body, json, problem, problemResponses } from '../routes/support.js';
import { emit } from '../events/emit.js';
import { NO_SIGNED_SINK } from './events.js';
import { confirmReset, issueReset } from './password-reset.js';

const ACCEPTED = {
  status: 'accepted' as const,
  detail: 'If an account with this email exists, a password reset token is on its way to it.',
};

const {
  400: invalid,
  403: keyRefused,
  413: tooLarge,
  415: notJson,
  502: failed,
  503: down,
  504: slow,
} = problemResponses;
const limited = problem('Too many reset requests for this email or from this client address; see Retry-After');

/** POST …/auth/password-reset: mounted at /v1 (default backend) and /v1/backends/{backend}, like login. */
export function passwordResetRoutes(deps: GatewayDeps, scoped: boolean) {
  return new OpenAPIHono<GatewayEnv>({ defaultHook: validationHook }).openapi(
    createRoute({
      method: 'post',
      path: '/auth/password-reset',
      operationId: scoped ? 'requestPasswordResetOnBackend' : 'requestPasswordReset',
      tags: ['auth (shopper)'],
      summary: 'Ask for a password reset token (sent to the shop as customer.password_reset.requested)',
      description:
        'Always 202 with the same body, known email or not; the lookup runs after the answer. The token (30 minutes, one use) goes to the shop only through a signed event sink.',
      request: { body: body(PasswordResetRequestSchema) },
      responses: {
        202: json(PasswordResetAcceptedSchema, 'Accepted (the same answer whether or not the email is known)'),
        400: invalid,
        403: keyRefused,
        413: tooLarge,
        415: notJson,
        429: limited,
        501: problem('No signed event sink to deliver the token, or the backend cannot look customers up by email'),
      },
    }),
    async (c) => {
      const { email } = c.req.valid('json');
      const adapter = c.get('adapter');
      const backend = c.get('backend');
      const log = c.get('log');
      // Refused alike for every email, before anything about the email is looked at.
      if (!deps.accounts.events.deliversSecrets) {
        log.error({ feature: 'password reset' }, `password reset refused: ${NO_SIGNED_SINK}`);
        throw new GatewayError('not_supported', NO_SIGNED_SINK);
      }
      // A password reset looks the email up.
      if (!adapter.capabilities.listCustomers) throw unsupported(adapter, 'listCustomers');
      await deps.accounts.resetLimits.request(backend, email, deps.clientAddress(c) ?? 'unknown');
      // Its own deadline and no caller to wait for: the work of a request that has been answered.
      const deadline = deadlineSignal(deps.config.requestTimeoutMs);
      const call = detachedCall(c.get('call'), deadline.signal);
      deps.background.run(c, log, 'password reset request', () =>
        issueReset(deps, adapter, backend, email, call).finally(() => deadline.dispose()),
      );
      return c.json(ACCEPTED, 202);
    },
  );
}

/** POST /v1/auth/password-reset/confirm: the token names its backend and customer. */
export function passwordResetConfirmRoutes(deps: GatewayDeps) {
  return new OpenAPIHono<GatewayEnv>({ defaultHook: validationHook }).openapi(
    createRoute({
      method: 'post',
      path: '/auth/password-reset/confirm',
      operationId: 'confirmPasswordReset',
      tags: ['auth (shopper)'],
      summary: 'Set a new password with a reset token; every session of the customer ends',
      request: { body: body(PasswordResetConfirmSchema) },
      responses: {
        204: { description: 'The new password is set on the platform' },
        400: problem(
          'The token is not valid (used, expired, never issued, or its email changed), or the platform refused the password',
        ),
        403: keyRefused,
        413: tooLarge,
        415: notJson,
        429: problem('Too many confirmations from this client address; see Retry-After'),
        502: failed,
        503: down,
        504: slow,
      },
    }),
    async (c) => {
      const { token, password } = c.req.valid('json');
      await deps.accounts.resetLimits.confirm(deps.clientAddress(c) ?? 'unknown');
      const { backend, customerId } = await confirmReset(deps, token, password, c.get('call'), (backend) =>
        assertKeyReaches(c, backend),
      );
      c.set('backend', backend);
      // A reset sets the password like any other password change, and is announced like one.
      await emit(deps.events, c, () => [{ type: 'customer.password.changed', backend, customerId }]);
      return c.body(null, 204);
    },
  );
}
