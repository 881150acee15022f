/** What `deadlineSignal` hands out: the signal, and the way to stop its timer. */
export interface Deadline {
  signal: AbortSignal;
  /** Stops the timer and lets go of the parent; the signal then aborts only if it already has. */
  dispose(): void;
}

/**
 * What else ends a deadline: an AbortSignal, or anything that says the same (the client's
 * connection on Node, see transport/client-connection.ts). Its listener is called when it may
 * have aborted; `aborted` says whether it has.
 */
export interface AbortSource {
  readonly aborted: boolean;
  readonly reason: unknown;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * A signal that aborts with a TimeoutError after `ms`, or with the parent's reason when the parent
 * aborts. Built from one AbortController and one timer instead of AbortSignal.timeout/any: a
 * timeout signal cannot be cancelled, so each request would keep a timer and its signals alive for
 * the whole timeout (tens of thousands under load), and AbortSignal.any adds GC-tracked links.
 */
export function deadlineSignal(ms: number, parent?: AbortSource): Deadline {
  const controller = new AbortController();
  const onParentAbort = () => {
    if (parent!.aborted) controller.abort(parent!.reason);
  };
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  const timer = setTimeout(() => controller.abort(timedOut()), ms);
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}

/** What a deadline that passes aborts with (as AbortSignal.timeout does). */
export const timedOut = (): DOMException => new DOMException('The operation timed out.', 'TimeoutError');
