import type { Context, MiddlewareHandler, Next } from 'hono';
import { GatewayError } from '../../adapters/errors.js';
import type { GatewayEnv } from '../context.js';
import type { GatewayDeps } from '../deps.js';
import { sha256Hex } from '../digest.js';
import { callerOf } from '../limits/caller.js';
import { indexRecord } from './by-customer.js';
import { fingerprintOf, IdempotencyRecord, legacyFingerprintOf, REPLAYED_HEADERS } from './record.js';
import { SettleWindow } from './settle.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** A Structured Field string (`"…"`, as the draft specifies) or, leniently, the bare token. */
const KEY_SYNTAX = /^"?([\x20-\x21\x23-\x7e]{1,255})"?$/;
export const REPLAYED_HEADER = 'Idempotent-Replayed';
/** How long a key's record (and what a write notes beside it) is kept. */
export const KEEP_MS = 24 * 60 * 60 * 1000;

const keyProblem = (message: string) =>
  new GatewayError('validation_failed', `Idempotency-Key ${message}`, {
    errors: [{ path: 'header.idempotency-key', message }],
  });

/**
 * What became of a request, for its record: final (replay it), unknown (recover on retry), or
 * nothing happened. A refusal with Retry-After means nothing happened only if no step of the write
 * was applied before it (a registration's password step, an address's event record after the
 * platform stored it): then the retry must recover, not run the write again.
 */
function outcomeOf(response: Response, applied: boolean): 'final' | 'uncertain' | 'not-applied' {
  if (response.status === 429 || response.headers.has('retry-after')) return applied ? 'uncertain' : 'not-applied';
  if (response.status >= 500 && response.status !== 501) return 'uncertain';
  return 'final';
}

/** Whether part of the write was applied: a route said so, or the error names what was created. */
const partlyApplied = (c: Context<GatewayEnv>) =>
  c.get('writeApplied') === true || (c.error instanceof GatewayError && c.error.created !== undefined);

/**
 * `Idempotency-Key` on POST, PUT, PATCH and DELETE (draft-ietf-httpapi-idempotency-key-header):
 * the first request runs and its answer is kept 24 h per caller and key; a retry with the same
 * fingerprint gets it replayed without calling the platform; another request under the same key
 * is a 422; a retry while the first still runs is a 409. A create the deadline cut short keeps
 * running (settle.ts) and the key stays `running` until it settles. A first attempt whose outcome
 * is still unknown is not replayed as a failure: its retry runs again with `recovering` set.
 */
export function idempotency(deps: GatewayDeps): MiddlewareHandler<GatewayEnv> {
  const { store } = deps;
  const { requestTimeoutMs, writeSettleMs } = deps.config;
  // A request (or a create's settle window) cannot outlive this; a `running` record older than it lost its instance.
  const runningMs = requestTimeoutMs + writeSettleMs + 5_000;
  // Not async itself: a read passes straight on, without a promise of its own.
  const middleware: MiddlewareHandler<GatewayEnv> = (c, next) => (WRITES.has(c.req.method) ? write(c, next) : next());
  return middleware;

  async function write(c: Context<GatewayEnv>, next: Next): Promise<Response | void> {
    const header = c.req.header('idempotency-key');
    if (header === undefined) {
      if (deps.config.idempotency === 'required') throw keyProblem('is required on writes by this deployment');
      return next();
    }
    const key = KEY_SYNTAX.exec(header.trim())?.[1];
    if (!key) throw keyProblem('must be 1 to 255 visible ASCII characters, as a quoted string');
    const url = new URL(c.req.url);
    const body = await c.req.text();
    const fingerprint = fingerprintOf(deps.config.cursorSecret, c.req.method, url.pathname + url.search, body);
    // Per backend instance: two shops' storefronts sharing a key never share records (a platform keeps today's keys).
    const adapter = c.get('adapter');
    const instance = adapter?.platform && adapter.platform !== adapter.backend ? `${adapter.backend}/` : '';
    const storeKey = `idempotency:${instance}${await callerOf(c)}:${await sha256Hex(key)}`;
    const startedAt = Date.now();
    const running = JSON.stringify({
      state: 'running',
      fingerprint,
      token: crypto.randomUUID(),
      since: startedAt,
    } satisfies IdempotencyRecord);

    let recovering: { since: number } | undefined;
    if (!(await store.setIfAbsent(storeKey, running, KEEP_MS))) {
      const storedText = await store.get(storeKey);
      const previous = storedText === undefined ? undefined : IdempotencyRecord.parse(JSON.parse(storedText));
      if (
        previous &&
        previous.fingerprint !== fingerprint &&
        previous.fingerprint !== (await legacyFingerprintOf(c.req.method, url.pathname + url.search, body))
      ) {
        throw new GatewayError(
          'idempotency_key_reused',
          'this Idempotency-Key was used for a different request (method, path or body); use a new key',
        );
      }
      if (previous?.state === 'done') {
        deps.metrics?.idempotencyReplays.inc({ backend: c.get('backend') ?? '' });
        return replay(c, previous);
      }
      // Its outcome is unknown when it failed so, or when its instance died mid-request.
      const unknown =
        previous?.state === 'uncertain' || (previous?.state === 'running' && startedAt - previous.since > runningMs);
      // Free when it just expired, or unknown and we take it over (of concurrent retries, one wins).
      const free =
        storedText === undefined
          ? await store.setIfAbsent(storeKey, running, KEEP_MS)
          : unknown && (await takeOver(storeKey, storedText, running));
      if (!free) {
        throw new GatewayError(
          'conflict',
          'a request with this Idempotency-Key is still being processed; retry when it has finished',
          { retryAfter: 1 },
        );
      }
      if (unknown) recovering = { since: previous!.since };
    }

    c.set('recovering', recovering);
    const window =
      writeSettleMs > 0 ? new SettleWindow(startedAt + requestTimeoutMs + writeSettleMs, writeSettleMs) : undefined;
    c.set('settling', window);
    c.set('idempotencyKey', storeKey);
    c.set('eventIdSeed', `${storeKey} ${fingerprint}`);
    await next();
    const record = (response: Response) =>
      settle(c, storeKey, running, fingerprint, recovering?.since ?? startedAt, response)
        .then(() => recovering && store.delete(takeOverKey(storeKey)))
        .catch((error: unknown) => {
          // The answer stands; the record stays `running`, and a retry after the deadline recovers.
          c.get('log').error({ err: error }, 'could not record the Idempotency-Key outcome');
        });
    if (!window?.late) {
      await record(c.res);
      return;
    }
    // The caller has its 504; the key records what the create really did once it settles (a
    // gateway told to stop waits for it: its key is then not left `running` for a retry to wait out).
    const late = window.late;
    deps.background.run(c, c.get('log'), 'recording a create the deadline cut short', async () => {
      const response = await late;
      c.get('log').info({ status: response.status }, 'a create the deadline cut short has settled');
      await record(response);
    });
  }

  /**
   * Takes over a key whose outcome is unknown, for a retry that recovers it. The record is replaced,
   * never deleted first: were the key absent for a moment, a concurrent retry could take it as new
   * and run the write again without looking for what the first attempt applied. Of concurrent
   * retries the one that claims the takeover wins; the claim goes when its attempt is recorded (or
   * lapses with an instance that died).
   */
  async function takeOver(storeKey: string, seen: string, running: string): Promise<boolean> {
    const claim = takeOverKey(storeKey);
    if (!(await store.setIfAbsent(claim, running, runningMs))) return false;
    if ((await store.get(storeKey)) !== seen) {
      await store.deleteIfEquals(claim, running);
      return false;
    }
    await store.set(storeKey, running, KEEP_MS);
    return true;
  }

  async function settle(
    c: Context<GatewayEnv>,
    storeKey: string,
    running: string,
    fingerprint: string,
    since: number,
    response: Response,
  ) {
    const outcome = outcomeOf(response, partlyApplied(c));
    if (outcome === 'not-applied' && !c.get('recovering')) {
      await store.deleteIfEquals(storeKey, running);
      return;
    }
    if (outcome !== 'final') {
      await store.set(
        storeKey,
        JSON.stringify({ state: 'uncertain', fingerprint, since } satisfies IdempotencyRecord),
        KEEP_MS,
      );
      return;
    }
    const headers: Record<string, string> = {};
    for (const name of REPLAYED_HEADERS) {
      const value = response.headers.get(name);
      if (value !== null) headers[name] = value;
    }
    const body = await response.clone().text();
    await store.set(
      storeKey,
      JSON.stringify({
        state: 'done',
        fingerprint,
        status: response.status,
        headers,
        body,
      } satisfies IdempotencyRecord),
      KEEP_MS,
    );
    await indexRecord(store, c, storeKey, KEEP_MS, { status: response.status, body });
  }
}

const takeOverKey = (storeKey: string) => `${storeKey}:takeover`;

function replay(c: Context<GatewayEnv>, record: Extract<IdempotencyRecord, { state: 'done' }>): Response {
  c.get('log').info({ status: record.status }, 'replaying the answer kept for this Idempotency-Key');
  const headers = new Headers(record.headers);
  headers.set(REPLAYED_HEADER, 'true');
  return new Response(record.status === 204 ? null : record.body, { status: record.status, headers });
}
