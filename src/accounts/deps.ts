import type { Log } from '../../adapters/types.js';
import type { Sessions } from '../sessions/sessions.js';
import type { SharedStore } from '../store/types.js';
import type { AccountsConfig } from './config.js';
import { type ErasureNames, gatewayErasureSteps, type ErasureStep } from './erasure-steps.js';
import { type AccountEvents, NO_SIGNED_SINK, unconfiguredAccountEvents } from './events.js';
import { createResetLimits, type ResetLimits } from './reset-limits.js';
import { createResetTokens, type ResetTokens } from './reset-tokens.js';

/** What the account flows (password reset, erasure, export, email change) run on. */
export interface AccountsDeps {
  events: AccountEvents;
  resetTokens: ResetTokens;
  resetLimits: ResetLimits;
  /** What an erasure clears after the platform, in order; parts of the gateway holding customer data add theirs. */
  erasureSteps: ErasureStep[];
  /** Where an erased customer has other names (live migration adds its pair's). */
  erasureNames: ErasureNames[];
}

export function createAccounts(
  config: AccountsConfig,
  deps: { store: SharedStore; sessions: Sessions; log: Log },
  events: AccountEvents = unconfiguredAccountEvents(),
): AccountsDeps {
  const { store, sessions } = deps;
  // Said at start, and again (as an error) by every reset request it refuses.
  if (!events.deliversSecrets) deps.log.warn({ feature: 'password reset' }, `password reset is off: ${NO_SIGNED_SINK}`);
  const resetTokens = createResetTokens(store);
  return {
    events,
    resetTokens,
    resetLimits: createResetLimits(store, config.resetLimits),
    erasureSteps: gatewayErasureSteps({ store, sessions, resetTokens }),
    erasureNames: [],
  };
}
