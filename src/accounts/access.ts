import type { GatewayDeps } from '../deps.js';

/**
 * What a change of who may sign in ends (a new password, a deactivation, a delete): the customer's
 * sessions, but `keep` (the shopper's own session that made the change), and every password-reset
 * token still out, since one mailed before would undo the change.
 */
export async function endAccess(deps: GatewayDeps, backend: string, customerId: string, keep?: string): Promise<void> {
  await deps.sessions.endSessions(backend, customerId, keep);
  await deps.accounts.resetTokens.revokeAll(backend, customerId);
}
