import { capable } from '../../adapters/unsupported.js';
import { isGatewayError } from '../../adapters/errors.js';
import type { CallContext, CustomerAdapter, CustomerRef } from '../../adapters/types.js';
import type { GatewayDeps } from '../deps.js';
import { customersWithEmail } from '../routes/recovery.js';
import { accountCounterKeys } from '../sessions/login-limits.js';
import { endAccess } from './access.js';
import { invalidToken } from './reset-tokens.js';

/**
 * The work of a reset request, done after its 202 is sent (so the answer cannot tell whether the
 * account exists): look the email up on the platform; when exactly one active, registered
 * customer holds it, issue a token and hand it to the shop as `customer.password_reset.requested`
 * (its mailer sends it). Guests, inactive customers and unknown emails get nothing.
 */
export async function issueReset(
  deps: GatewayDeps,
  adapter: CustomerAdapter,
  backend: string,
  email: string,
  call: CallContext,
): Promise<void> {
  // The route answered 501 already where the backend cannot list (reset-routes.ts).
  const holders = (await customersWithEmail(adapter, email, call)).filter((c) => c.status.active && !c.status.guest);
  if (holders.length !== 1) {
    // Ids only: the email stays out of the logs.
    if (holders.length > 1)
      call.log.warn(
        { backend, customers: holders.map((c) => c.id) },
        'no password reset: several customers hold the email',
      );
    return;
  }
  const customer = holders[0]!;
  const { token, expiresAt } = await deps.accounts.resetTokens.issue(backend, customer.id, customer.email);
  await deps.accounts.events.emit(
    {
      type: 'customer.password_reset.requested',
      backend,
      customerId: customer.id,
      email: customer.email,
      token,
      expiresAt,
    },
    call.log,
  );
  call.log.info({ backend, customerId: customer.id }, 'password reset token issued');
}

/**
 * A reset confirmation: the token is redeemed (single use), the customer must still hold the
 * email it was sent to, the platform sets the new password its own way (the admin password call
 * of each adapter), then every session of the customer ends, every other token of theirs stops
 * working and their failed-login count is forgotten. When the platform refuses the password or
 * fails, the token is good again.
 */
export async function confirmReset(
  deps: GatewayDeps,
  token: string,
  password: string,
  call: CallContext,
  /** Throws when the caller's API key may not use the token's backend (a key limited to another brand). */
  assertBackend?: (backend: string) => void,
): Promise<{ backend: string; customerId: string }> {
  const redeemed = await deps.accounts.resetTokens.redeem(token);
  const { backend, customerId } = redeemed;
  try {
    assertBackend?.(backend);
  } catch (error) {
    // Refused before anything was done: the token stays good for its own brand's shop.
    await redeemed.giveBack();
    throw error;
  }
  const adapter = deps.backends.get(backend);
  if (!adapter) throw invalidToken();
  const ref: CustomerRef = { kind: 'id', id: customerId };
  let email: string;
  let login: string | undefined;
  let active: boolean;
  try {
    ({
      email,
      login,
      status: { active },
    } = (await adapter.getCustomer(ref, { expandAddresses: false }, call)).value);
  } catch (error) {
    // The customer is gone (erased): the token stays used.
    if (isGatewayError(error) && error.code === 'not_found') throw invalidToken();
    await redeemed.giveBack();
    throw error;
  }
  // The email changed since: the token went to an address that is no longer the customer's.
  if (!(await redeemed.sentTo(email))) throw invalidToken();
  // Deactivated since on the platform itself (the gateway's own PATCH revokes the tokens): the
  // shop closed the account, so the token stays used and sets nothing.
  if (!active) throw invalidToken();
  try {
    await capable(adapter, 'passwordChange')(ref, { password }, call);
  } catch (error) {
    await redeemed.giveBack();
    throw error;
  }
  await endAccess(deps, backend, customerId);
  // Locked out by failed logins (by email or login) or current-password guesses (by customer id):
  // the new password signs in at once.
  for (const account of new Set([email, login ?? email, `customer:${customerId}`]))
    for (const key of await accountCounterKeys(backend, account)) await deps.store.delete(key);
  call.log.info({ backend, customerId }, 'password reset: new password set, sessions ended');
  return { backend, customerId };
}
