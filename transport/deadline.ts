/** What `deadlineSignal` and `deadlineSource` hand out: the signal, and the way to stop its timer. */
export interface Deadline<S extends AbortSource = AbortSignal> {
  signal: S;
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
  return armed(controller.signal, (reason) => controller.abort(reason), ms, parent);
}

/**
 * The same deadline as a `DeadlineSignal`, for a fetch that takes one (`TAKES_ABORT_SOURCE`):
 * an AbortController and its AbortSignal (an EventTarget), with undici's listener on it, cost
 * ~6 µs per upstream call on Node, this ~1.
 */
export function deadlineSource(ms: number, parent?: AbortSource): Deadline<DeadlineSignal> {
  const signal = new DeadlineSignal();
  return armed(signal, (reason) => signal.abort(reason), ms, parent);
}

/** What a deadline that passes aborts with (as AbortSignal.timeout does). */
export const timedOut = (): DOMException => new DOMException('The operation timed out.', 'TimeoutError');

function armed<S extends AbortSource>(
  signal: S,
  abort: (reason: unknown) => void,
  ms: number,
  parent: AbortSource | undefined,
): Deadline<S> {
  const onParentAbort = () => {
    if (parent!.aborted) abort(parent!.reason);
  };
  if (parent?.aborted) abort(parent.reason);
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  const timer = setTimeout(() => abort(timedOut()), ms);
  return {
    signal,
    dispose() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}

/**
 * Marks a fetch that takes any `DeadlineSignal` as its `signal`, not only an AbortSignal: the Node
 * upstream fetch does (undici takes anything with addEventListener). Platform fetches (Workers)
 * and the emulators' (which build a Request) do not, and get real AbortSignals.
 */
export const TAKES_ABORT_SOURCE = Symbol('takes a DeadlineSignal as its signal');

export function takesAbortSource(fetch: typeof globalThis.fetch): boolean {
  return (fetch as { [TAKES_ABORT_SOURCE]?: boolean })[TAKES_ABORT_SOURCE] === true;
}

/** `wrapper`, which hands its init (signal and all) to `inner` unread, takes what `inner` takes. */
export function takingSignalsOf(
  wrapper: typeof globalThis.fetch,
  inner: typeof globalThis.fetch,
): typeof globalThis.fetch {
  return takesAbortSource(inner) ? Object.assign(wrapper, { [TAKES_ABORT_SOURCE]: true }) : wrapper;
}

/**
 * What a fetch and undici read of an AbortSignal (aborted, reason, throwIfAborted, abort
 * listeners), as a plain object. As on an AbortSignal: a listener runs once, when it aborts (one
 * removed meanwhile does not), one added after that never does, and a listener that throws does
 * not keep the others from running (its error is reported as uncaught, as EventTarget does).
 */
export class DeadlineSignal implements AbortSource {
  aborted = false;
  reason: unknown = undefined;
  #listeners: (() => void)[] = [];

  addEventListener(_type: 'abort', listener: () => void): void {
    if (!this.aborted) this.#listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const at = this.#listeners.indexOf(listener);
    if (at !== -1) this.#listeners.splice(at, 1);
  }

  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
  }

  /** The deadline's own: aborts once, with `reason` (an AbortError if none), and runs the listeners. */
  abort(reason?: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason ?? new DOMException('This operation was aborted', 'AbortError');
    for (let listener = this.#listeners.shift(); listener; listener = this.#listeners.shift()) {
      try {
        listener();
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }
}
