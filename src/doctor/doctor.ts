import { asInstanceFailure, type ProbeFailure, type ProbeProblem, type ProbeResult } from '../../adapters/probe.js';
import type { CallContext, CustomerAdapter, Log } from '../../adapters/types.js';
import { deadlineSignal } from '../../transport/deadline.js';
import { loadDeps } from '../deps.js';
import type { BackendConfig, GatewayConfig } from '../env.js';
import type { SharedStore } from '../store/types.js';
import { type ClockReading, diagnosingFetch, skewOf } from './clock.js';

/** One line of the doctor's report. */
export interface DoctorLine {
  ok: boolean;
  text: string;
}

const PROBLEM_WORDS: Record<ProbeProblem, string> = {
  unreachable: 'host unreachable',
  tls: 'TLS failure',
  credentials: 'credentials refused',
  'unknown-target': 'shop/site/list unknown',
  permission: 'missing permission',
  'clock-skew': 'clock skew',
  upstream: 'unexpected answer',
};

/** `brand-a (scayle at host)`, `sfcc (embedded emulator)`. */
function label(backend: BackendConfig): string {
  const platform = backend.platform ?? backend.name;
  const kind = backend.platform ? `${platform}, ` : '';
  if (backend.embedded) return `${backend.name} (${kind}embedded emulator: no base URL set)`;
  const baseUrl = (backend.options as { baseUrl?: unknown } | undefined)?.baseUrl;
  const host = typeof baseUrl === 'string' ? ` at ${new URL(baseUrl).host}` : '';
  return `${backend.name} (${platform}${host})`;
}

function failureLine(backend: BackendConfig, failure: ProbeFailure): string {
  const { problem, detail, variables } = asInstanceFailure(failure, {
    name: backend.name,
    platform: backend.platform ?? backend.name,
  });
  const fix = variables.length ? `; check ${variables.join(', ')}` : '';
  return `${label(backend)}: ${PROBLEM_WORDS[problem]}: ${detail}${fix}`;
}

/** What one backend's probe found, with the clock its answers showed. */
function backendLine(backend: BackendConfig, result: ProbeResult, reading: ClockReading): DoctorLine {
  const skew = skewOf(reading);
  const skewText =
    skew &&
    `its clock (${skew.source}) is ${Math.abs(skew.seconds)} s ${skew.seconds > 0 ? 'ahead of' : 'behind'} this machine's; tokens expire by the wrong clock: sync this machine's clock (NTP)`;
  if (result.failure) {
    const line = failureLine(backend, result.failure);
    return { ok: false, text: skewText ? `${line}; also clock skew: ${skewText}` : line };
  }
  if (skewText) return { ok: false, text: `${label(backend)}: clock skew: ${skewText}` };
  return { ok: true, text: `${label(backend)}: ${result.passed.join(', ') || 'reachable'}` };
}

/** A write, read and delete on the shared store. */
async function storeLine(
  config: GatewayConfig,
  store: SharedStore | undefined,
  problem: string | undefined,
): Promise<DoctorLine> {
  if (problem !== undefined) return { ok: false, text: `store (${config.store.kind}): ${problem}` };
  if (!store) return { ok: true, text: 'store (memory): this process only; nothing to reach' };
  const key = `doctor:${crypto.randomUUID()}`;
  try {
    await store.set(key, 'ok', 10_000);
    const read = await store.get(key);
    await store.delete(key);
    if (read !== 'ok') return { ok: false, text: `store (${config.store.kind}): a value written was not read back` };
    return { ok: true, text: `store (${config.store.kind}): written, read and deleted a key` };
  } catch (error) {
    return { ok: false, text: `store (${config.store.kind}): ${error instanceof Error ? error.message : 'failed'}` };
  }
}

/**
 * `npm run doctor`: builds every configured backend as `npm start` would (same configuration,
 * the breaker left out so every call reaches the platform), calls each one's probe at once, and
 * answers one line per backend and one for the shared store.
 */
export async function runDoctor(
  config: GatewayConfig,
  runtime: {
    fetch: typeof globalThis.fetch;
    log: Log;
    store?: SharedStore;
    /** Why the configured store could not be opened (its line fails; the backends are probed without it). */
    storeProblem?: string;
  },
): Promise<DoctorLine[]> {
  const readings = new Map<string, ClockReading>();
  const { storeProblem, ...parts } = runtime;
  const deps = await loadDeps(
    // Without the configured store (it failed to open), the backends are built over one in memory.
    { ...config, breaker: undefined, ...(storeProblem !== undefined ? { store: { kind: 'memory' as const } } : {}) },
    {
      ...parts,
      wrapFetch: (backend, fetch) => {
        const reading: ClockReading = {};
        readings.set(backend, reading);
        return diagnosingFetch(fetch, reading);
      },
    },
  );
  const probe = async (backend: BackendConfig): Promise<DoctorLine> => {
    const adapter: CustomerAdapter = deps.backends.get(backend.name)!;
    if (!adapter.probe) return { ok: true, text: `${label(backend)}: in-process, nothing to reach` };
    const deadline = deadlineSignal(config.requestTimeoutMs);
    const ctx: CallContext = {
      requestId: `doctor-${crypto.randomUUID()}`,
      signal: deadline.signal,
      log: runtime.log,
      setResponseHeader: () => {},
    };
    try {
      return backendLine(backend, await adapter.probe(ctx), readings.get(backend.name) ?? {});
    } catch (error) {
      // A probe diagnoses what it can; anything else is still one line, not a crash.
      const detail = error instanceof Error ? error.message : String(error);
      return { ok: false, text: `${label(backend)}: ${PROBLEM_WORDS.upstream}: ${detail}` };
    } finally {
      deadline.dispose();
    }
  };
  return [...(await Promise.all(config.backends.map(probe))), await storeLine(config, runtime.store, storeProblem)];
}
