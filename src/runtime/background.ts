import type { Context } from 'hono';
import { describeError } from '../../adapters/instrument.js';
import type { Log } from '../../adapters/types.js';

/**
 * Work a request starts and does not wait for (a password reset request answers before it looks
 * the email up, so its answer cannot tell whether the account exists). On Workers the runtime is
 * told to keep the isolate until the work is done (`waitUntil`); on Node the entry waits for it
 * before it exits. A failure is logged, never thrown: nobody is waiting for it.
 */
export function createBackgroundTasks() {
  const pending = new Set<Promise<void>>();
  return {
    run(c: Context, log: Log, what: string, work: () => Promise<void>): void {
      const task: Promise<void> = work()
        .catch((error: unknown) => {
          log.error({ err: describeError(error, false) }, `${what} failed`);
        })
        .finally(() => pending.delete(task));
      pending.add(task);
      try {
        c.executionCtx.waitUntil(task);
      } catch {
        // Node: no ExecutionContext; `settled()` is awaited before the process exits.
      }
    },
    /** Resolves once every task started so far has finished. */
    async settled(): Promise<void> {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
  };
}

export type BackgroundTasks = ReturnType<typeof createBackgroundTasks>;
