import { createCursorCodec, type CursorCodec } from '../adapters/cursor.js';
import { instrumentAdapter } from '../adapters/instrument.js';
import { backendDefinitions } from '../adapters/registry.js';
import { ConfigError } from '../adapters/errors.js';
import { type CustomerAdapter, type Log } from '../adapters/types.js';
import type { Emulator } from '../emulators/shared/types.js';
import { EMBEDDED_ORIGIN, embeddedEmulators } from './embedded.js';
import type { GatewayConfig } from './env.js';
import { budgetedFetch } from './limits/upstream-budget.js';
import { createMemoryStore } from './store/memory.js';
import { createResourceLock, type ResourceLock } from './store/resource-lock.js';
import type { SharedStore } from './store/types.js';

export interface GatewayDeps {
  config: GatewayConfig;
  log: Log;
  backends: Map<string, CustomerAdapter>;
  cursors: CursorCodec;
  /** The embedded emulators, by backend, for backends without a base URL. */
  emulators: Map<string, Emulator<unknown>>;
  /** State shared by the fleet (memory unless STORE names a shared one). */
  store: SharedStore;
  /** Serialises read-compare-write per resource (fleet-wide with a shared store). */
  resourceLock: ResourceLock;
}

export interface RuntimeDeps {
  /** The runtime's upstream fetch (keep-alive undici on Node, global fetch on Workers). */
  fetch: typeof fetch;
  log: Log;
  /** Wraps the fetch of one backend (embedded ones too), e.g. the migration's per-backend request budget. */
  wrapFetch?: (backend: string, fetch: typeof globalThis.fetch) => typeof globalThis.fetch;
  /** The shared store STORE names, opened by the entry (Redis on Node, Durable Objects on Workers); memory when absent. */
  store?: SharedStore;
}

/** Builds adapters for every configured backend; embedded ones get an in-process emulator. */
export function createDeps(config: GatewayConfig, runtime: RuntimeDeps): GatewayDeps {
  if (config.store.kind !== 'memory' && !runtime.store) throw new ConfigError('STORE', `${config.store.kind} is not available on this runtime`);
  const store = runtime.store ?? createMemoryStore();
  const backends = new Map<string, CustomerAdapter>();
  const emulators = new Map<string, Emulator<unknown>>();
  for (const backend of config.backends) {
    const definition = backendDefinitions[backend.name]!;
    let options = backend.options;
    let fetch = runtime.fetch;
    if (backend.embedded) {
      const createEmulator = embeddedEmulators[backend.name];
      if (!createEmulator) throw new ConfigError([definition.baseUrlVariable ?? 'BACKENDS'].flat()[0]!, `is required for ${backend.name}`);
      const emulator = createEmulator({ faults: config.emulatorFaults, rateLimit: config.emulatorRateLimit });
      emulators.set(backend.name, emulator);
      options = definition.parseOptions({ ...config.env, ...emulator.connectionEnv(EMBEDDED_ORIGIN) });
      fetch = emulator.fetch;
    }
    const budget = config.upstreamBudgets[backend.name];
    if (budget) fetch = budgetedFetch(fetch, store, backend.name, budget);
    if (runtime.wrapFetch) fetch = runtime.wrapFetch(backend.name, fetch);
    const log = runtime.log.child({ backend: backend.name });
    backends.set(backend.name, instrumentAdapter(definition.create(options, { fetch, log })));
  }
  const resourceLock = createResourceLock(store, {
    fleetWide: config.store.kind !== 'memory',
    // A write holds the lease at most for the request's deadline; a crashed holder's lease lapses soon after.
    leaseTtlMs: config.requestTimeoutMs + 1000,
    waitMs: config.requestTimeoutMs,
  });
  return { config, log: runtime.log, backends, cursors: createCursorCodec(config.cursorSecret), emulators, store, resourceLock };
}
