import type { PasswordChange } from '../../schemas/index.js';
import { GatewayError, wrongCurrentPassword } from '../errors.js';
import type { CallContext } from '../types.js';
import { path, type Auth, type OcapiClient } from './client.js';
import { OcapiCustomerSchema, ResetTokenResultSchema } from './upstream.js';

/**
 * The flows where the Shop API wants a shopper JWT (from POST /customers/auth) instead of the
 * Account Manager token: registering with a password, and changing a password as the shopper.
 * A JWT is given back (best effort) as soon as its flow is done.
 */
export function createShopperFlows(client: OcapiClient) {
  /** A shopper JWT from /customers/auth: `guest` (client id only) or `credentials` (Basic login:password). */
  const signIn = async (ctx: CallContext, auth: Auth, type: 'guest' | 'credentials', what: string): Promise<string> => {
    const answer = await client.call(ctx, 'shop', {
      method: 'POST',
      path: 'customers/auth',
      auth,
      json: { type },
      what,
    });
    if (!answer.bearer)
      throw new GatewayError(
        'upstream_contract_violation',
        'SFCC answered /customers/auth without an Authorization: Bearer header',
      );
    return answer.bearer;
  };

  /** Runs `flow` with the token, then gives the token back; it expires on its own if that fails. */
  const withToken = async <T>(ctx: CallContext, token: string, flow: (auth: Auth) => Promise<T>): Promise<T> => {
    const auth: Auth = { kind: 'bearer', token };
    try {
      return await flow(auth);
    } finally {
      await client
        .call(ctx, 'shop', { method: 'DELETE', path: 'customers/auth', auth, what: 'the shopper token' })
        .catch(() => undefined);
    }
  };

  return {
    /** Registration: OAuth registrations must not carry a password; with one, a guest JWT must. Answers the new id. */
    async register(
      ctx: CallContext,
      registration: Record<string, unknown>,
      password: string | undefined,
    ): Promise<string> {
      const request = { method: 'POST' as const, path: 'customers', what: 'the registration' };
      if (password === undefined) {
        return (
          await client.call(
            ctx,
            'shop',
            { ...request, auth: { kind: 'oauth' }, json: { customer: registration } },
            OcapiCustomerSchema,
          )
        ).body.customer_id;
      }
      const token = await signIn(ctx, { kind: 'none' }, 'guest', 'the guest token request');
      return withToken(
        ctx,
        token,
        async (auth) =>
          (
            await client.call(
              ctx,
              'shop',
              { ...request, auth, json: { password, customer: registration } },
              OcapiCustomerSchema,
            )
          ).body.customer_id,
      );
    },

    /**
     * Without the current password: a reset token for the login, then the new password (20.4,
     * OAuth, no hooks). With it: sign in as the shopper, change it with the shopper's JWT.
     */
    async setPassword(ctx: CallContext, id: string, login: string, change: PasswordChange): Promise<void> {
      const what = `the password of customer ${id}`;
      if (change.currentPassword === undefined) {
        const reset = { method: 'POST' as const, auth: { kind: 'oauth' } as const, what };
        const token = await client.call(
          ctx,
          'shop',
          { ...reset, path: 'customers/password/actions/create_reset_token', json: { login } },
          ResetTokenResultSchema,
        );
        await client.call(ctx, 'shop', {
          ...reset,
          path: 'customers/password/actions/reset',
          json: { login, reset_token: token.body.reset_token, new_password: change.password },
        });
        return;
      }
      const token = await signIn(
        ctx,
        { kind: 'basic', user: login, password: change.currentPassword },
        'credentials',
        `customer ${id}`,
      ).catch((error: unknown) => {
        if (!(error instanceof GatewayError) || error.upstream?.status !== 401) throw error;
        throw wrongCurrentPassword('currentPassword is wrong (or the customer is disabled or locked)', {
          status: 401,
          code: 'AuthenticationFailedException',
        });
      });
      await withToken(ctx, token, (auth) =>
        client.call(ctx, 'shop', {
          method: 'PUT',
          path: path('customers', id, 'password'),
          auth,
          json: { current_password: change.currentPassword, password: change.password },
          what,
          // If a first attempt changed the password but its answer was lost, a retry would be
          // refused as "wrong current password": let the caller see the failure instead.
          idempotent: false,
        }),
      ).catch((error: unknown) => {
        // The site's policy (its putPassword hook) refused the new password: named, in the policy's
        // words, and a 400 like every backend's refusal of a password it will not store (the reset
        // confirm's too), not a business rule's 422.
        if (!(error instanceof GatewayError) || error.code !== 'rejected') throw error;
        throw new GatewayError('validation_failed', error.message, {
          upstream: error.upstream,
          errors: [{ path: 'password', message: error.message.replace(/^SFCC refused [^:]*: /, '') }],
        });
      });
    },
  };
}
