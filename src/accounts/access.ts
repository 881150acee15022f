import type { GatewayDeps } from '../deps.js';

/**
 * What a change of who may sign in ends (a new password, a deactivation, a delete): the customer's
 * sessions, but `keep` (the shopper's own session that made the change), and every password-reset
 * token still out, since one mailed before would undo the change. `closed`: the account ended (a
 * delete, a deactivation), so even a session started in the same millisecond ends (Sessions.endSessions).
 */
export async function endAccess(
  deps: GatewayDeps,
  backend: string,
  customerId: string,
  how: { keep?: string; closed?: boolean } = {},
): Promise<void> {
  await deps.sessions.endSessions(backend, customerId, how.keep, how.closed);
  await deps.accounts.resetTokens.revokeAll(backend, customerId);
}
