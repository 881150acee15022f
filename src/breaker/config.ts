import { z } from 'zod';
import { parseEnvSlice } from '../../adapters/options.js';

export interface BreakerConfig {
  /** Consecutive connection failures or timeouts of one backend that open its breaker. */
  failures: number;
  /** How long an open breaker answers 503 at once before it lets one probe through. */
  cooldownMs: number;
  /** Most calls to one backend waiting at once; more get 503 at once (0: no limit). */
  maxPending: number;
}

const BreakerEnv = z.object({
  BREAKER_FAILURES: z
    .string()
    .regex(/^(off|\d{1,4})$/, 'must be a number of failures (1-9999), or off')
    .default('5'),
  BREAKER_COOLDOWN_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  BREAKER_MAX_PENDING: z
    .string()
    .regex(/^(off|\d{1,6})$/, 'must be a number of calls, or off')
    .default('512'),
});

/**
 * BREAKER_FAILURES (default 5; `off` or 0 turns the breakers off), BREAKER_COOLDOWN_MS (default
 * 30 s) and BREAKER_MAX_PENDING (default 512; `off` or 0: no limit).
 */
export function parseBreakerEnv(env: Record<string, string | undefined>): BreakerConfig | undefined {
  const parsed = parseEnvSlice(BreakerEnv, env);
  const count = (value: string) => (value === 'off' ? 0 : Number(value));
  const failures = count(parsed.BREAKER_FAILURES);
  const maxPending = count(parsed.BREAKER_MAX_PENDING);
  return failures > 0 ? { failures, cooldownMs: parsed.BREAKER_COOLDOWN_MS, maxPending } : undefined;
}
