import { isGatewayError } from '../../adapters/errors.js';
import { asInstanceFailure, probeBackend, type ProbeResult } from '../../adapters/probe.js';
import type { AttemptObserver } from '../../transport/attempt-observer.js';
import type { CallContext, CustomerAdapter, Log } from '../../adapters/types.js';
import type { SharedStore } from '../store/types.js';
import { withTimeout } from './timeout.js';

/** A backend that worked is asked again after this long (the 30 s). */
export const PROBE_OK_TTL_MS = 30_000;
/** A backend that failed is asked again sooner, so a fix shows within seconds, yet never more than once per this. */
export const PROBE_FAILED_TTL_MS = 5_000;
const PROBE_TIMEOUT_MS = 5_000;
const STORE_TIMEOUT_MS = 2_000;

export interface CheckResult {
  ok: boolean;
  detail: string;
  /** Why it failed, as an operator fixes it (see ProbeProblem). */
  problem?: string;
  /** The settings to look at (names, never values). */
  variables?: string[];
  /** When this answer was found (a backend's is cached). */
  checkedAt: string;
}

export interface ReadinessReport {
  status: 'ready' | 'not_ready' | 'draining';
  checks: { store?: CheckResult; backends?: Record<string, CheckResult> };
}

export interface Readiness {
  check(): Promise<ReadinessReport>;
  /** From now on /ready answers 503 `draining` (graceful shutdown: the load balancer stops sending first). */
  drain(): void;
  readonly draining: boolean;
}

interface Cached {
  result: CheckResult;
  until: number;
}

/**
 * /ready: the shared store answers (every time, bounded by 2 s) and every backend takes our
 * configuration (its probe, cached: 30 s after a success, 5 s after a failure; concurrent checks
 * share one probe). Answers say which check failed and why, never a secret: details are the
 * adapters' own error messages, which name variables, not values.
 */
export function createReadiness(deps: {
  store: SharedStore;
  backends: Map<string, CustomerAdapter>;
  log: Log;
  /** Probes' upstream attempts are traced and counted like a request's. */
  observeAttempt?: AttemptObserver | undefined;
  now?: () => number;
}): Readiness {
  const now = deps.now ?? Date.now;
  const cache = new Map<string, Cached>();
  const pending = new Map<string, Promise<CheckResult>>();
  let draining = false;

  const probe = async (name: string, adapter: CustomerAdapter): Promise<CheckResult> => {
    const ctx = probeContext(deps.log, name, deps.observeAttempt);
    const result: ProbeResult = await probeBackend(adapter, ctx).catch((error: unknown) => ({
      passed: [],
      failure: {
        problem: 'upstream' as const,
        detail: isGatewayError(error) ? error.message : 'the probe failed unexpectedly',
        variables: [],
      },
    }));
    const { failure } = result;
    // An instance's settings by its own names (BRAND_A_SHOP_KEY), as the doctor says them.
    const checked: CheckResult = failure
      ? {
          ok: false,
          ...asInstanceFailure(failure, { name, platform: adapter.platform ?? name }),
          checkedAt: new Date(now()).toISOString(),
        }
      : { ok: true, detail: result.passed.join(', '), checkedAt: new Date(now()).toISOString() };
    cache.set(name, { result: checked, until: now() + (failure ? PROBE_FAILED_TTL_MS : PROBE_OK_TTL_MS) });
    if (failure)
      deps.log.warn({ backend: name, problem: failure.problem, detail: failure.detail }, 'backend not ready');
    return checked;
  };

  const backendCheck = (name: string, adapter: CustomerAdapter): Promise<CheckResult> => {
    const cached = cache.get(name);
    if (cached && now() < cached.until) return Promise.resolve(cached.result);
    let running = pending.get(name);
    if (!running) {
      running = probe(name, adapter).finally(() => pending.delete(name));
      pending.set(name, running);
    }
    return running;
  };

  const storeCheck = async (): Promise<CheckResult> => {
    const checkedAt = new Date(now()).toISOString();
    try {
      // Mapped to 'answered' first: a stored value could be anything, `'timeout'` too.
      const answered = deps.store.get('ready:probe').then(() => 'answered' as const);
      if ((await withTimeout(answered, STORE_TIMEOUT_MS)) === 'answered')
        return { ok: true, detail: 'answered', checkedAt };
      return { ok: false, problem: 'unreachable', detail: `did not answer within ${STORE_TIMEOUT_MS} ms`, checkedAt };
    } catch {
      return { ok: false, problem: 'unreachable', detail: 'refused the call', checkedAt };
    }
  };

  return {
    async check() {
      if (draining) return { status: 'draining', checks: {} };
      const names = [...deps.backends.keys()];
      const [store, ...backends] = await Promise.all([
        storeCheck(),
        ...names.map((name) => backendCheck(name, deps.backends.get(name)!)),
      ]);
      const ready = store!.ok && backends.every((b) => b.ok);
      return {
        status: ready ? 'ready' : 'not_ready',
        checks: { store, backends: Object.fromEntries(names.map((name, i) => [name, backends[i]!])) },
      };
    },
    drain() {
      draining = true;
    },
    get draining() {
      return draining;
    },
  };
}

/** A probe's context: its own deadline, its calls logged at debug (a probe every 30 s is no news). */
function probeContext(log: Log, backend: string, observeAttempt?: AttemptObserver): CallContext {
  return {
    ...(observeAttempt ? { observeAttempt } : {}),
    requestId: `readiness-${backend}-${crypto.randomUUID().slice(0, 8)}`,
    signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
    log,
    setResponseHeader: () => {},
    recordCall: () => {},
  };
}
