/** What `deadlineSignal` hands out: the signal, and the way to stop its timer once the work is done. */
export interface Deadline {
  signal: AbortSignal;
  /** Stops the timer and lets go of the parent; the signal then aborts only if it already has. */
  dispose(): void;
}

/**
 * A signal that aborts with a TimeoutError after `ms`, or with the parent's reason when the parent
 * aborts. Built from one AbortController and one timer instead of AbortSignal.timeout/any: a
 * timeout signal cannot be cancelled, so each request would keep a timer and its signals alive for
 * the whole timeout (tens of thousands under load), and AbortSignal.any adds GC-tracked links.
 */
export function deadlineSignal(ms: number, parent?: AbortSignal): Deadline {
  const controller = new AbortController();
  const onParentAbort = () => controller.abort(parent!.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  const timer = setTimeout(() => controller.abort(new DOMException('The operation timed out.', 'TimeoutError')), ms);
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}
