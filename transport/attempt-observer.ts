import { isGatewayError } from '../adapters/errors.js';

/**
 * The upstream client's one hook for traces and metrics: told of each attempt (the first try and
 * every retry) before it is sent, and of how it ended. Absent (the usual case when neither is on),
 * it costs the client one property read per attempt.
 */
export interface UpstreamAttempt {
  backend: string;
  /** The Request ky built for this attempt: its method, URL and headers (an observer may add `traceparent`). */
  request: { method: string; url: string; headers: Headers };
  /** 1 for the first try, 2 for the first retry, … */
  number: number;
}

/** How an attempt ended: the upstream's answer (any status), or what was thrown instead. */
export type AttemptEnd = { status: number; error?: undefined } | { status?: undefined; error: unknown };

/** Called as the attempt starts; what it returns is called once as it ends. */
export type AttemptObserver = (attempt: UpstreamAttempt) => (end: AttemptEnd) => void;

/** `sending`, with `ended` told of its outcome (and its rejection passed on unchanged). */
export function observed(sending: Promise<Response>, ended: ((end: AttemptEnd) => void) | undefined) {
  if (!ended) return sending;
  return sending.then(
    (response) => {
      ended({ status: response.status });
      return response;
    },
    (error: unknown) => {
      ended({ error });
      throw error;
    },
  );
}

/**
 * How an attempt ended, as a bounded label: `ok` (< 400), `http_error` (any other answer), or why
 * none came: `timeout`, `aborted` (the caller left), `unreachable`, `budget_refused` (the fleet's
 * call budget), or the code of another refusal of a fetch wrapper.
 */
export function attemptOutcome(end: AttemptEnd): string {
  if (end.status !== undefined) return end.status < 400 ? 'ok' : 'http_error';
  const error = end.error;
  // Thrown by a wrapper of the fetch before anything was sent: the fleet's call budget, or another refusal.
  if (isGatewayError(error)) return error.code === 'rate_limited' ? 'budget_refused' : error.code;
  const name = (error as { name?: unknown } | undefined)?.name;
  if (name === 'TimeoutError') return 'timeout';
  if (name === 'AbortError') return 'aborted';
  return 'unreachable';
}
