import type { CallContext, CustomerAdapter, Log } from '../adapters/types.js';
import type { SettleWindow } from './idempotency/settle.js';
import type { AccessClaims } from './sessions/tokens.js';

/** What the middleware puts on every request's context. */
export type GatewayEnv = {
  Variables: {
    requestId: string;
    log: Log;
    call: CallContext;
    /** Headers adapters asked for (e.g. RateLimit-*), added to the answer, errors included. A plain record: most requests add none. */
    extraHeaders: Record<string, string>;
    adapter: CustomerAdapter;
    backend: string;
    /** `/v1` or `/v1/backends/{backend}`: where Location and Link URLs start. */
    basePath: string;
    /** The backends the caller's API key is limited to (API_KEYS `admin@brand-a+brand-b:…`); unset: all. */
    keyBackends?: readonly string[];
    /** On /v1/me*: the checked claims of the shopper's access token. */
    shopper: AccessClaims;
    /**
     * A retry (same Idempotency-Key) of a write whose outcome was unknown (timeout, lost answer),
     * first tried at `since` (ms): routes first look whether the platform already applied it.
     */
    recovering?: { since: number };
    /** A create under an Idempotency-Key: it may outlive the deadline until this window ends (see idempotency/settle.ts). */
    settling?: SettleWindow;
    /** The write's Idempotency-Key as the store keys it (per caller). */
    idempotencyKey?: string;
    /**
     * What the write's change-event ids derive from: its Idempotency-Key and the request's
     * fingerprint, so a retry records the same ids and a key reused for another request (its
     * record lapsed) new ones, which the outbox would otherwise take as recorded already.
     */
    eventIdSeed?: string;
    /**
     * The platform applied this request's write: a later step's failure (recording its events, a
     * refusal with Retry-After) does not mean nothing happened (idempotency/middleware.ts).
     */
    writeApplied?: true;
  };
};
