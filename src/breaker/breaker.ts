import { GatewayError } from '../../adapters/errors.js';
import type { Log } from '../../adapters/types.js';
import type { SharedStore } from '../store/types.js';
import type { BreakerConfig } from './config.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

/** One backend's breaker as this instance sees it (for /ready and metrics). */
export interface BreakerStatus {
  state: BreakerState;
  /** Consecutive connection failures or timeouts this instance saw (reset by any answer). */
  consecutiveFailures: number;
  /** While open: seconds until a probe may go through. */
  retryAfterSeconds?: number;
  /** Times this instance saw the breaker open: its own trips, failed probes, and the fleet's trips it adopted. */
  opened: number;
  /** Upstream calls answered 503 at once, without reaching the backend. */
  rejected: number;
  /** Upstream calls waiting for an answer now. */
  pending: number;
}

export interface CircuitBreakers {
  /** Wraps a backend's upstream fetch (every call, token requests and retries included). */
  wrap(backend: string, fetch: typeof globalThis.fetch): typeof globalThis.fetch;
  /** This instance's view, without a store call. */
  state(backend: string): BreakerStatus;
  /** The fleet's view: reads the shared record first (where a shared store is configured). */
  sync(backend: string): Promise<BreakerStatus>;
  /** Every backend's state, e.g. for metrics. */
  snapshot(): Record<string, BreakerStatus>;
}

interface Circuit {
  failures: number;
  /** When the backend last answered (epoch ms; 0: never). */
  answeredAt: number;
  /** 0 when closed; when open, until when (epoch ms); past it the breaker is half-open. */
  openUntil: number;
  /** A probe of this instance is in flight. */
  probing: boolean;
  /** Half-open and the probe is someone else's: no store call before this (epoch ms). */
  quietUntil: number;
  opened: number;
  rejected: number;
  pending: number;
}

/** The fleet's record of an open breaker: `{until}` under `breaker:<backend>`. */
interface OpenRecord {
  until: number;
}

/**
 * Failures open the breaker only when the backend has not answered for this long: on a busy
 * platform that merely drops some connections, a few unlucky failures in a row come within
 * milliseconds of an answer; a platform that is down answers nothing for seconds.
 */
export const MIN_STREAK_MS = 1_000;
/** A half-open instance that lost the probe to another asks the store again at most this often. */
const HALF_OPEN_RECHECK_MS = 1_000;
/** How long the fleet's record outlives the cool-down: the breaker stays half-open (one probe) that long without traffic. */
const RECORD_LINGER_MS = 10 * 60_000;

/** What a failed upstream fetch says about the backend: down (refused, reset, timed out), or nothing (the caller left, our own refusal). */
function countsAsFailure(error: unknown, init: RequestInit | undefined, input: RequestInfo | URL): boolean {
  if (error instanceof GatewayError) return false;
  const signal = init?.signal ?? (typeof input === 'object' && 'signal' in input ? input.signal : undefined);
  if (signal?.aborted) return (signal.reason as { name?: unknown } | undefined)?.name === 'TimeoutError';
  return true;
}

/**
 * Per-backend circuit breakers. Closed, a backend's calls go through untouched (no store call on
 * the hot path); `failures` consecutive connection failures or timeouts, with no answer for at
 * least MIN_STREAK_MS, open it: for `cooldownMs` every call is answered 503 `upstream_unavailable`
 * with Retry-After at once; then it is half-open and lets one probe through: an answer (any
 * status) closes it, another failure opens it again. Besides, at most `maxPending` calls to one
 * backend wait at once: a platform that hangs cannot pile up requests before the first time out.
 * With a shared store (`fleet`), a trip is written there: another instance adopts it on its own
 * first failure, and one probe runs for the whole fleet. HTTP answers (4xx, 429, 5xx) never count:
 * the platform is reachable and the retries and budgets deal with them.
 */
export function createCircuitBreakers(
  config: BreakerConfig,
  options: { log: Log; fleet?: SharedStore; probeTtlMs: number; now?: () => number },
): CircuitBreakers {
  const { log, fleet } = options;
  const now = options.now ?? Date.now;
  const instanceId = crypto.randomUUID();
  const circuits = new Map<string, Circuit>();
  const maxPending = config.maxPending > 0 ? config.maxPending : Number.POSITIVE_INFINITY;
  const recordKey = (backend: string) => `breaker:${backend}`;
  const probeKey = (backend: string) => `breaker:${backend}:probe`;
  const circuitOf = (backend: string): Circuit => {
    let circuit = circuits.get(backend);
    if (!circuit)
      circuits.set(
        backend,
        (circuit = {
          failures: 0,
          answeredAt: 0,
          openUntil: 0,
          probing: false,
          quietUntil: 0,
          opened: 0,
          rejected: 0,
          pending: 0,
        }),
      );
    return circuit;
  };

  /** A store call whose failure leaves the decision to this instance alone. */
  const tryStore = async <T>(call: () => Promise<T>, fallback: T): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      log.warn({ err: error }, 'circuit breaker: the shared store failed; deciding on this instance alone');
      return fallback;
    }
  };
  const readRecord = async (backend: string): Promise<OpenRecord | undefined> => {
    const text = fleet && (await tryStore(() => fleet.get(recordKey(backend)), undefined));
    return text ? (JSON.parse(text) as OpenRecord) : undefined;
  };

  const refuse = (backend: string, circuit: Circuit, seconds: number, why: string): never => {
    circuit.rejected++;
    throw new GatewayError('upstream_unavailable', `${backend} is unavailable: ${why}; retry in ${seconds} s`, {
      retryAfter: seconds,
    });
  };

  const open = async (backend: string, circuit: Circuit, reason: string) => {
    const until = now() + config.cooldownMs;
    Object.assign(circuit, { openUntil: until, probing: false, failures: 0 });
    circuit.opened++;
    log.warn({ backend, cooldownMs: config.cooldownMs, reason }, 'circuit breaker opened');
    if (!fleet) return;
    const record = JSON.stringify({ until } satisfies OpenRecord);
    await tryStore(() => fleet.set(recordKey(backend), record, config.cooldownMs + RECORD_LINGER_MS), undefined);
    await tryStore(() => fleet.deleteIfEquals(probeKey(backend), instanceId), false);
  };

  const close = async (backend: string, circuit: Circuit) => {
    Object.assign(circuit, { openUntil: 0, probing: false, failures: 0, quietUntil: 0 });
    log.info({ backend }, 'circuit breaker closed: the probe got an answer');
    if (!fleet) return;
    await tryStore(() => fleet.delete(recordKey(backend)), undefined);
    await tryStore(() => fleet.delete(probeKey(backend)), undefined);
  };

  /** Open or half-open: refuses the call, or lets it through as the probe (true) or normally (false: the fleet closed it). */
  const admit = async (backend: string, circuit: Circuit): Promise<boolean> => {
    const left = circuit.openUntil - now();
    const why = `its circuit breaker is open after ${config.failures} consecutive connection failures or timeouts`;
    if (left > 0) return refuse(backend, circuit, Math.ceil(left / 1000), why);
    const probing = 'a probe is checking whether it is back';
    if (circuit.probing || now() < circuit.quietUntil) return refuse(backend, circuit, 1, probing);
    if (!fleet) return (circuit.probing = true);
    const record = await readRecord(backend);
    if (!record) {
      Object.assign(circuit, { openUntil: 0, failures: 0, quietUntil: 0 });
      return false;
    }
    if (record.until > now()) {
      circuit.openUntil = record.until;
      return refuse(backend, circuit, Math.ceil((record.until - now()) / 1000), why);
    }
    const won = await tryStore(() => fleet.setIfAbsent(probeKey(backend), instanceId, options.probeTtlMs), true);
    if (won) return (circuit.probing = true);
    circuit.quietUntil = now() + HALF_OPEN_RECHECK_MS;
    return refuse(backend, circuit, 1, probing);
  };

  /** A closed breaker's failure: counts it, adopts the fleet's trip, or trips. */
  const failed = async (backend: string, circuit: Circuit) => {
    circuit.failures++;
    if (circuit.failures >= config.failures && now() - circuit.answeredAt >= MIN_STREAK_MS)
      return open(backend, circuit, 'consecutive failures');
    const record = await readRecord(backend);
    if (record && circuit.openUntil === 0) {
      circuit.openUntil = record.until;
      circuit.opened++;
      log.warn({ backend }, 'circuit breaker opened by another instance of the fleet');
    }
  };

  const statusOf = (circuit: Circuit): BreakerStatus => {
    const left = circuit.openUntil - now();
    const state: BreakerState = circuit.openUntil === 0 ? 'closed' : left > 0 ? 'open' : 'half-open';
    return {
      state,
      consecutiveFailures: circuit.failures,
      ...(state === 'open' ? { retryAfterSeconds: Math.ceil(left / 1000) } : {}),
      opened: circuit.opened,
      rejected: circuit.rejected,
      pending: circuit.pending,
    };
  };

  return {
    wrap(backend, fetch) {
      const circuit = circuitOf(backend);
      const guarded = (async (input: RequestInfo | URL, init?: RequestInit) => {
        const probe = circuit.openUntil !== 0 && (await admit(backend, circuit));
        // A platform that hangs answers nothing until the first calls time out: meanwhile calls pile up.
        if (circuit.pending >= maxPending && !probe)
          refuse(backend, circuit, 1, `${circuit.pending} calls to it are waiting for an answer`);
        let response: Response;
        circuit.pending++;
        try {
          response = await fetch(input, init);
        } catch (error) {
          circuit.pending--;
          const failure = countsAsFailure(error, init, input);
          if (probe && failure) await open(backend, circuit, 'the probe failed');
          else if (probe) {
            circuit.probing = false;
            if (fleet) await tryStore(() => fleet.deleteIfEquals(probeKey(backend), instanceId), false);
          } else if (failure && circuit.openUntil === 0) await failed(backend, circuit);
          throw error;
        }
        circuit.pending--;
        circuit.answeredAt = now();
        if (probe) await close(backend, circuit);
        else if (circuit.failures !== 0) circuit.failures = 0;
        return response;
      }) as typeof globalThis.fetch;
      return guarded;
    },
    state: (backend) => statusOf(circuitOf(backend)),
    async sync(backend) {
      const circuit = circuitOf(backend);
      const record = await readRecord(backend);
      if (record && circuit.openUntil === 0) circuit.openUntil = record.until;
      return statusOf(circuit);
    },
    snapshot: () => Object.fromEntries([...circuits].map(([backend, circuit]) => [backend, statusOf(circuit)])),
  };
}
