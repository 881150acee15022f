import { createCursorCodec, type CursorCodec } from '../adapters/cursor.js';
import { instrumentAdapter } from '../adapters/instrument.js';
import { backendDefinitions } from '../adapters/registry.js';
import { ConfigError, GatewayError } from '../adapters/errors.js';
import type { CustomerAdapter, Log } from '../adapters/types.js';
import type { Emulator, EmulatorOptions } from '../emulators/shared/types.js';
import { type CircuitBreakers, createCircuitBreakers } from './breaker/breaker.js';
import type { GatewayConfig, SigningKey } from './env.js';
import type { DocsAssetLoader } from './routes/docs.js';
import { createLoginLimits, type LoginLimits } from './sessions/login-limits.js';
import { createSessions, type Sessions } from './sessions/sessions.js';
import { createTokenSigner } from './sessions/tokens.js';
import { asInstance, instanceVariable } from './instances.js';
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
  /** State shared by the fleet (memory unless STORE names a shared one): idempotency, shopper sessions, login counters. */
  store: SharedStore;
  /** Serialises read-compare-write per resource (fleet-wide with a shared store). */
  resourceLock: ResourceLock;
  sessions: Sessions;
  loginLimits: LoginLimits;
  /** The caller's network address (brute-force limits), as the runtime knows it. */
  clientAddress: (request: ClientRequest) => string | undefined;
  docsAssets: DocsAssetLoader;
  /** Per-backend circuit breakers (undefined when BREAKER_FAILURES=off): `state(backend)` for /ready and metrics. */
  breaker?: CircuitBreakers;
}

/** What a runtime can read a client address from: Hono's context (Node's socket is in `env`). */
export interface ClientRequest {
  req: { header(name: string): string | undefined };
  env: unknown;
}

export interface RuntimeDeps {
  /** The runtime's upstream fetch (keep-alive undici on Node, global fetch on Workers). */
  fetch: typeof fetch;
  log: Log;
  clientAddress?: (request: ClientRequest) => string | undefined;
  /** Swagger UI's files for /docs (see routes/docs.ts). */
  docsAssets?: DocsAssetLoader;
  /** Wraps the fetch of one backend (embedded ones too), e.g. the migration's per-backend request budget. */
  wrapFetch?: (backend: string, fetch: typeof globalThis.fetch) => typeof globalThis.fetch;
  /** The shared store STORE names, opened by the entry (Redis on Node, Durable Objects on Workers); memory when absent. */
  store?: SharedStore;
}

/** Emulator factories by backend name (src/embedded.ts has the real ones). */
export type EmulatorFactories = Record<string, (options?: EmulatorOptions) => Emulator<unknown>>;

/** Origin the embedded emulators pretend to live at; never resolved, requests stay in-process. */
export const EMBEDDED_ORIGIN = 'http://emulator.invalid';

/**
 * What the Node entries call: the embedded emulators (and their demo data) are imported only when a
 * backend has no base URL, so a deployment talking to real platforms never loads them. The Worker
 * does the same behind a build flag that keeps them out of its production upload (worker.ts).
 */
export async function loadDeps(config: GatewayConfig, runtime: RuntimeDeps): Promise<GatewayDeps> {
  const factories = config.backends.some((b) => b.embedded) ? (await import('./embedded.js')).embeddedEmulators : {};
  return createDeps(config, runtime, factories);
}

/**
 * Without SESSION_SIGNING_KEYS the gateway signs with a key made now: sessions then end when it
 * restarts and no other instance accepts them, which is fine for development and said in the log.
 */
function signingKeys(config: GatewayConfig, log: Log): SigningKey[] {
  if (config.sessionSigningKeys.length > 0) return config.sessionSigningKeys;
  log.warn(
    { variable: 'SESSION_SIGNING_KEYS' },
    'SESSION_SIGNING_KEYS is unset: shopper sessions are signed with a key made at start (they end on restart and other instances refuse them)',
  );
  const secret = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(48))));
  return [{ kid: `ephemeral-${crypto.randomUUID().slice(0, 8)}`, secret }];
}

/**
 * Behind a proxy: the last entry of the header, the address the proxy in front of us saw. Earlier
 * entries of X-Forwarded-For are whatever the client wrote; trusting them would let a client
 * rotate them past the per-address login limit.
 */
const fromHeader = (name: string) => (request: ClientRequest) =>
  request.req.header(name)?.split(',').at(-1)?.trim() || undefined;

/** Builds adapters for every configured backend; embedded ones get an in-process emulator from `emulatorFactories`. */
export function createDeps(
  config: GatewayConfig,
  runtime: RuntimeDeps,
  emulatorFactories: EmulatorFactories,
): GatewayDeps {
  if (config.store.kind !== 'memory' && !runtime.store)
    throw new ConfigError('STORE', `${config.store.kind} is not available on this runtime`);
  const store = runtime.store ?? createMemoryStore();
  const backends = new Map<string, CustomerAdapter>();
  const emulators = new Map<string, Emulator<unknown>>();
  const breaker =
    config.breaker &&
    createCircuitBreakers(config.breaker, {
      log: runtime.log,
      ...(config.store.kind === 'memory' ? {} : { fleet: store }),
      probeTtlMs: config.requestTimeoutMs + 1000,
    });
  for (const backend of config.backends) {
    const platform = backend.platform ?? backend.name;
    const definition = backendDefinitions[platform]!;
    let options = backend.options;
    let fetch = runtime.fetch;
    if (backend.embedded) {
      const createEmulator = emulatorFactories[platform];
      // The production Worker is built without emulators (wrangler.toml): say so, not just "required".
      if (!createEmulator)
        throw new ConfigError(
          instanceVariable([definition.baseUrlVariable ?? 'BACKENDS'].flat()[0]!, { name: backend.name, platform }),
          `is required for ${backend.name} (this build has no embedded emulators to fall back on)`,
        );
      const emulator = createEmulator({ faults: config.emulatorFaults, rateLimit: config.emulatorRateLimit });
      emulators.set(backend.name, emulator);
      options = asInstance({ name: backend.name, platform }, () =>
        definition.parseOptions({ ...(backend.settings ?? config.env), ...emulator.connectionEnv(EMBEDDED_ORIGIN) }),
      );
      fetch = emulator.fetch;
    }
    const budget = config.upstreamBudgets[backend.name];
    if (budget) fetch = budgetedFetch(fetch, store, backend.name, budget, platform);
    if (breaker) fetch = breaker.wrap(backend.name, fetch);
    if (runtime.wrapFetch) fetch = runtime.wrapFetch(backend.name, fetch);
    const log = runtime.log.child({ backend: backend.name });
    const adapter = definition.create(options, { fetch, log });
    backends.set(backend.name, instrumentAdapter(adapter, { name: backend.name, platform }));
  }
  const resourceLock = createResourceLock(store, {
    fleetWide: config.store.kind !== 'memory',
    // A write holds the lease at most for the request's deadline; a crashed holder's lease lapses soon after.
    leaseTtlMs: config.requestTimeoutMs + 1000,
    waitMs: config.requestTimeoutMs,
  });
  return {
    config,
    log: runtime.log,
    backends,
    cursors: createCursorCodec(config.cursorSecret),
    emulators,
    store,
    resourceLock,
    sessions: createSessions({ store, signer: createTokenSigner(signingKeys(config, runtime.log)), log: runtime.log }),
    loginLimits: createLoginLimits(store, config.loginLimits),
    docsAssets:
      runtime.docsAssets ??
      (async (name) => {
        throw new GatewayError('not_found', `${name} is not available in this runtime`);
      }),
    breaker,
    clientAddress: config.clientAddressHeader
      ? fromHeader(config.clientAddressHeader)
      : (runtime.clientAddress ?? (() => undefined)),
  };
}
