import type { Context } from 'hono';
import { GatewayError } from '../../adapters/errors.js';
import type { CallContext } from '../../adapters/types.js';
import { detachedCall } from '../../adapters/support.js';
import { deadlineSignal } from '../../transport/deadline.js';
import type { GatewayEnv } from '../context.js';
import { onError } from '../middleware/errors.js';

/**
 * A create under an Idempotency-Key whose platform is slower than the gateway's deadline. Cutting
 * the upstream call at the deadline would not stop the platform from storing it, and a retry
 * that then looked for it too early would create it again (Open2b stores a second inactive
 * customer with the same email; elsewhere the retry gets a misleading 409). So the caller gets its
 * 504 at the deadline, but the create goes on until it settles or the window ends
 * (WRITE_SETTLE_MS after the deadline); meanwhile its key stays `running` (a retry: 409 with
 * Retry-After), then holds the real answer. Only a create that outlasts the window as well is
 * left `uncertain`, for recovery (routes/recovery.ts).
 */
export class SettleWindow {
  /** The answer of a create that outlived the request: what the key is to hold once it settles. */
  late: Promise<Response> | undefined;

  constructor(
    /** Epoch ms when the create is cut at last. */
    readonly until: number,
    readonly settleMs: number,
  ) {}
}

/**
 * Runs a create: as is without a settle window (no Idempotency-Key, or WRITE_SETTLE_MS=0); with
 * one, on a context of its own that ignores the request's deadline (and a client that left) up to
 * the window's end. At the deadline the request answers 504 and the window gets the create's
 * eventual answer, built by `answer`.
 */
export async function outlastingDeadline<T>(
  c: Context<GatewayEnv>,
  create: (call: CallContext) => Promise<T>,
  answer: (created: T) => Response | Promise<Response>,
): Promise<T> {
  const window = c.get('settling');
  const call = c.get('call');
  if (!window) return create(call);

  const lasting = deadlineSignal(Math.max(0, window.until - Date.now()));
  const running = create(detachedCall(call, lasting.signal, true)).finally(() => lasting.dispose());

  const deadline = call.signal;
  let cutOff = false;
  let onDeadline = () => {};
  const passed = new Promise<never>((_, reject) => {
    onDeadline = () => {
      cutOff = true;
      reject(deadline.reason);
    };
    if (deadline.aborted) onDeadline();
    else deadline.addEventListener('abort', onDeadline, { once: true });
  });
  try {
    return await Promise.race([running, passed]);
  } catch (error) {
    if (!cutOff) throw error;
    window.late = running.then(answer, (failure: unknown) => onError(failure as Error, c));
    throw new GatewayError(
      'upstream_timeout',
      `the platform did not answer within the gateway's deadline; the create goes on for up to ${window.settleMs} ms: retry with the same Idempotency-Key to get its outcome`,
    );
  } finally {
    deadline.removeEventListener('abort', onDeadline);
  }
}
