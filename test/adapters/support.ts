import { GatewayError } from '../../adapters/errors.js';
import type { CallContext, Log } from '../../adapters/types.js';

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {}, child: () => silentLog };

/** A CallContext for calling adapters directly; `headers` collects what they add to the answer. */
export function testContext(signal: AbortSignal = new AbortController().signal) {
  const headers = new Headers();
  const ctx: CallContext = {
    requestId: 'test-request-1',
    signal,
    log: silentLog,
    setResponseHeader: (n, v) => headers.set(n, v),
  };
  return { ctx, headers };
}

/** The GatewayError a call rejects with; fails the test when it resolves or throws something else. */
export async function failure(promise: Promise<unknown>): Promise<GatewayError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}
