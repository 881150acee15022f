import { z } from 'zod';
import { parseEnvSlice } from '../../adapters/options.js';
import { type RatePerWindow, ratePerWindow } from '../env.js';

export interface AccountsConfig {
  /** Password reset requests allowed per email and per client address (the latter also bounds confirmations). */
  resetLimits: { perEmail: RatePerWindow; perClient: RatePerWindow };
}

// Built when parsed, not at import: env.ts imports this module and defines ratePerWindow.
const accountsEnv = () =>
  z.object({
    PASSWORD_RESET_EMAIL_LIMIT: ratePerWindow.default({ limit: 5, windowSeconds: 3600 }),
    PASSWORD_RESET_CLIENT_LIMIT: ratePerWindow.default({ limit: 30, windowSeconds: 3600 }),
  });

export function parseAccountsEnv(env: Record<string, string | undefined>): AccountsConfig {
  const parsed = parseEnvSlice(accountsEnv(), env);
  return {
    resetLimits: { perEmail: parsed.PASSWORD_RESET_EMAIL_LIMIT, perClient: parsed.PASSWORD_RESET_CLIENT_LIMIT },
  };
}
