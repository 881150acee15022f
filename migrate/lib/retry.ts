import { isGatewayError } from '../../adapters/errors.js';
import type { RetryOptions } from './types.js';

const DEFAULT_ATTEMPTS = 5;
const DEFAULT_MAX_WAIT_SECONDS = 120;

/** Waits `ms`, returning early (without throwing) when `signal` aborts: the caller then checks it. */
export function sleepUnlessAborted(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Runs `call`, and when the backend answers rate_limited waits what it asked (Retry-After, capped;
 * exponential from 1 s when it did not say) and tries again, a bounded number of times. Nothing
 * else is retried here: the upstream client already retries transient statuses, and a write that
 * half-succeeded (error.created) must not be repeated.
 */
export async function withRateLimitRetry<T>(
  call: () => Promise<T>,
  signal: AbortSignal,
  options: RetryOptions = {},
): Promise<T> {
  const attempts = Math.max(1, options.maxAttempts ?? DEFAULT_ATTEMPTS);
  const maxWait = options.maxWaitSeconds ?? DEFAULT_MAX_WAIT_SECONDS;
  const sleep = options.sleep ?? sleepUnlessAborted;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const retryable = isGatewayError(error) && error.code === 'rate_limited' && error.created === undefined;
      if (!retryable || attempt >= attempts || signal.aborted) throw error;
      const seconds = Math.min(maxWait, error.retryAfter ?? 2 ** (attempt - 1));
      await sleep(seconds * 1000, signal);
      if (signal.aborted) throw error;
    }
  }
}
