import type { Context } from 'hono';
import { GatewayError, isGatewayError, wrongCurrentPassword } from '../../adapters/errors.js';
import { capable } from '../../adapters/unsupported.js';
import { Email, type ShopperCustomerPatch } from '../../schemas/index.js';
import type { GatewayEnv } from '../context.js';
import type { GatewayDeps } from '../deps.js';
import type { UpdateRule } from '../routes/profile.js';

const wrongPassword = () => wrongCurrentPassword('currentPassword is wrong');

/**
 * A shopper's sensitive change (a new email, erasing the account) needs the current password,
 * checked by the platform the way it checks a login. Wrong guesses count against the same
 * failed-login limits as `PUT /v1/me/password` (per customer and per client address), so a stolen
 * access token is no password oracle. A platform that cannot check passwords cannot allow it.
 */
export async function verifyCurrentPassword(
  deps: GatewayDeps,
  c: Context<GatewayEnv>,
  /** What the shopper signs in with: the login where the platform keeps one apart from the email. */
  login: string,
  password: string | undefined,
  change: string,
): Promise<void> {
  if (password === undefined)
    throw new GatewayError('validation_failed', `currentPassword is required to ${change}`, {
      errors: [{ path: 'currentPassword', message: 'required' }],
    });
  const adapter = c.get('adapter');
  const { backend, sub } = c.get('shopper');
  const authenticate = capable(adapter, 'shopperLogin');
  const attempt = await deps.loginLimits.begin(backend, `customer:${sub}`, deps.clientAddress(c) ?? 'unknown');
  let customerId: string;
  try {
    ({ customerId } = await authenticate({ email: login, password }, c.get('call')));
  } catch (error) {
    if (isGatewayError(error) && error.code === 'unauthorized') throw wrongPassword();
    await attempt.undecided();
    throw error;
  }
  if (customerId !== sub) throw wrongPassword();
  await attempt.succeeded();
}

/**
 * PATCH /v1/me: a new email or a new login (the name the shopper signs in with) needs the current
 * password, as either hands the account's sign-in to whoever holds the session. Once stored, the
 * event `customer.email.changed` carries the old address (so the merchant can tell its owner). The
 * password never reaches the platform's update; a login that was the old email becomes the new one.
 */
export function credentialChangeGuard(deps: GatewayDeps): NonNullable<UpdateRule['guard']> {
  return async (c, input) => {
    const { currentPassword, ...patch } = input as ShopperCustomerPatch;
    if (patch.email === undefined && patch.login === undefined) return { patch };
    const { backend, sub } = c.get('shopper');
    const current = await c
      .get('adapter')
      .getCustomer({ kind: 'id', id: sub }, { expandAddresses: false }, c.get('call'));
    const previousEmail = current.value.email;
    const login = current.value.login;
    const changesEmail = patch.email !== undefined && patch.email !== previousEmail;
    const changesLogin = patch.login !== undefined && patch.login !== (login ?? null);
    if (!changesEmail && !changesLogin) return { patch };
    // Shoppers sign in with an email address (/v1/auth/login): a login that is none would lock the
    // shopper out for good, a password reset included. An administrator may still set one.
    if (typeof patch.login === 'string' && !Email.safeParse(patch.login).success)
      throw new GatewayError('validation_failed', 'login must be an email address: shoppers sign in with one', {
        errors: [{ path: 'login', message: 'must be an email address: shoppers sign in with one (/v1/auth/login)' }],
      });
    await verifyCurrentPassword(
      deps,
      c,
      login ?? previousEmail,
      currentPassword,
      changesEmail ? 'change the email' : 'change the login',
    );
    if (!changesEmail) return { patch, signedIn: true };
    // Where the email is the login (SFCC, SCAPI), the login moves with it: the shopper signs in with the new email.
    const movesLogin = patch.login === undefined && login?.toLowerCase() === previousEmail.toLowerCase();
    return {
      patch: movesLogin ? { ...patch, login: patch.email } : patch,
      signedIn: true,
      stored: (customer) =>
        deps.accounts.events.emit(
          { type: 'customer.email.changed', backend, customerId: sub, email: customer.email, previousEmail },
          c.get('log'),
          c,
        ),
    };
  };
}
