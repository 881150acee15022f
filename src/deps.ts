import { createCursorCodec, type CursorCodec } from '../adapters/cursor.js';
import { instrumentAdapter } from '../adapters/instrument.js';
import { backendDefinitions } from '../adapters/registry.js';
import { ConfigError, GatewayError } from '../adapters/errors.js';
import type { CustomerAdapter, Log } from '../adapters/types.js';
import type { Emulator, EmulatorOptions } from '../emulators/shared/types.js';
import { type CircuitBreakers, createCircuitBreakers } from './breaker/breaker.js';
import type { GatewayConfig, SigningKey } from './env.js';
import type { DocsAssetLoader } from './routes/docs.js';
import { type AccountsDeps, createAccounts } from './accounts/deps.js';
import type { AccountEvents } from './accounts/events.js';
import { outboxAccountEvents } from './accounts/outbox-events.js';
import { createLoginLimits, type LoginLimits } from './sessions/login-limits.js';
import { createSessions, type Sessions } from './sessions/sessions.js';
import { createTokenSigner } from './sessions/tokens.js';
import { asInstance, instanceVariable } from './instances.js';
import { budgetedFetch } from './limits/upstream-budget.js';
import {
  createLiveBackend,
  LIVE_BACKEND,
  type LiveBackend,
  liveErasureNames,
  liveMappingErasure,
} from './live/index.js';
import { clientNetwork } from './limits/client-network.js';
import { createMemoryStore } from './store/memory.js';
import { createResourceLock, type ResourceLock } from './store/resource-lock.js';
import type { SharedStore } from './store/types.js';
import { createReadiness, type Readiness } from './health/readiness.js';
import { type BackgroundTasks, createBackgroundTasks } from './runtime/background.js';
import type { GatewayMetrics } from './metrics/metrics.js';
import { callObserver, observeAttempts } from './telemetry/observe.js';
import type { Tracing } from './telemetry/tracing.js';
import type { AttemptObserver } from '../transport/attempt-observer.js';
import { createEvents, type EventsRuntime } from './events/index.js';
import type { EventSink } from './events/sinks/types.js';

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
  /** The caller's network for brute-force limits: its IPv4 address or IPv6 /64 (clientNetwork). */
  clientAddress: (request: ClientRequest) => string | undefined;
  docsAssets: DocsAssetLoader;
  /** OTEL_* set: the request spans (app.ts) and the upstream attempts' (request-context.ts). */
  tracing?: Tracing;
  /** Prometheus metrics (Node); absent on Workers. Hooks for other features: `deps.metrics?.liveMoves.inc(…)`. */
  metrics?: GatewayMetrics;
  /**
   * What the upstream client tells traces and metrics of each attempt; every call context carries
   * it: a request's, and those of background work (the events poller, readiness probes).
   */
  observeAttempt?: AttemptObserver;
  /** /ready: the store and every backend's probe; drained first on SIGTERM. */
  readiness: Readiness;
  /**
   * Work a request starts and does not wait for (a password reset's lookup, a create settling after
   * its deadline): Workers are told to keep the isolate for it; the Node entry waits for it before exiting.
   */
  background: BackgroundTasks;
  /** Password reset, erasure, export: their stores, limits, events and erasure steps (src/accounts/). */
  accounts: AccountsDeps;
  /** Change events (docs/events.md); undefined when off. Its stats() are read at each /metrics scrape. */
  events?: EventsRuntime;
  /** LIVE_MIGRATION: the `live` backend and its identity map (the status route reads its counters). */
  live?: LiveBackend;
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
  /** Started by the entry when OTEL_* names an endpoint. */
  tracing?: Tracing;
  /** Node's Prometheus registry (src/metrics/prometheus.ts). */
  metrics?: GatewayMetrics;
  /** Where account events go (password reset tokens, email changes, erasures): the change events' outbox unless given; see src/accounts/events.ts. */
  accountEvents?: AccountEvents;
  /** Where change events go, opened by the entry (webhooks; NATS on Node; the queue on Workers). */
  eventSinks?: EventSink[];
  /** Workers: events are delivered within the invocation that recorded them (no background loop). */
  deliverEventsInline?: boolean;
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
 * The memory store's warnings when it is full, each at most once a minute with the count since the
 * last: live keys dropped (`evicted`), and entries of a log (the events' outbox) dropped before
 * their retention (`dropped`).
 */
function memoryStoreFull(log: Log) {
  const throttled = <A extends unknown[]>(warn: (count: number, ...rest: A) => void) => {
    let warnedAt = -Infinity;
    let since = 0;
    return (count: number, ...rest: A) => {
      since += count;
      if (Date.now() - warnedAt < 60_000) return;
      warn(since, ...rest);
      warnedAt = Date.now();
      since = 0;
    };
  };
  const keys = throttled((evicted) =>
    log.warn(
      { variable: 'STORE', evicted },
      'the memory store is full and dropped its oldest keys (idempotency records, sessions, live-migration mappings among them); use STORE=redis for this load',
    ),
  );
  const entries = throttled((dropped, name: string) =>
    log.warn(
      { variable: 'STORE', log: name, dropped },
      'the memory store keeps 50,000 entries of a log and dropped its oldest (change events not yet delivered among them are lost); use STORE=redis for this load',
    ),
  );
  return { onEvict: keys, onLogFull: (name: string, dropped: number) => entries(dropped, name) };
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
const networkOf =
  (address: (request: ClientRequest) => string | undefined) =>
  (request: ClientRequest): string | undefined =>
    clientNetwork(address(request));

/** Builds adapters for every configured backend; embedded ones get an in-process emulator from `emulatorFactories`. */
export function createDeps(
  config: GatewayConfig,
  runtime: RuntimeDeps,
  emulatorFactories: EmulatorFactories,
): GatewayDeps {
  if (config.store.kind !== 'memory' && !runtime.store)
    throw new ConfigError('STORE', `${config.store.kind} is not available on this runtime`);
  const untraced = runtime.store ?? createMemoryStore(memoryStoreFull(runtime.log));
  const store = runtime.tracing ? runtime.tracing.store(untraced, config.store.kind.replace('-', '_')) : untraced;
  const { tracing, metrics } = runtime;
  const observeAttempt = observeAttempts(tracing, metrics);
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
    const refused = metrics && (() => metrics.budgetRefusals.inc({ backend: backend.name }));
    if (budget) fetch = budgetedFetch(fetch, store, backend.name, budget, platform, refused);
    if (breaker) fetch = breaker.wrap(backend.name, fetch);
    if (runtime.wrapFetch) fetch = runtime.wrapFetch(backend.name, fetch);
    const log = runtime.log.child({ backend: backend.name });
    const adapter = instrumentAdapter(
      definition.create(options, { fetch, log }),
      { name: backend.name, platform },
      callObserver(backend.name, tracing, metrics),
    );
    backends.set(backend.name, adapter);
  }
  const live =
    config.liveMigration &&
    createLiveBackend(
      config.liveMigration,
      backends,
      store,
      config.requestTimeoutMs,
      metrics,
      callObserver(LIVE_BACKEND, tracing, metrics),
    );
  if (live) backends.set(LIVE_BACKEND, live.adapter);
  const resourceLock = createResourceLock(store, {
    fleetWide: config.store.kind !== 'memory',
    // A write holds the lease at most for the request's deadline; a crashed holder's lease lapses soon after.
    leaseTtlMs: config.requestTimeoutMs + 1000,
    waitMs: config.requestTimeoutMs,
  });
  const sessions = createSessions({
    store,
    signer: createTokenSigner(signingKeys(config, runtime.log)),
    log: runtime.log,
  });
  const events = createEvents(config.events, {
    store,
    log: runtime.log,
    sinks: runtime.eventSinks ?? [],
    backends,
    deliverInline: runtime.deliverEventsInline,
    durableStore: config.store.kind !== 'memory',
    observeAttempt,
  });
  // Account events go through the change events when they are on (a test may bring its own).
  const accountEvents = runtime.accountEvents ?? (events ? outboxAccountEvents(events) : undefined);
  const accounts = createAccounts(config.accounts, { store, sessions, log: runtime.log }, accountEvents);
  if (events) accounts.erasureSteps.push(events.erasureStep());
  if (live) {
    accounts.erasureSteps.push(liveMappingErasure(config.liveMigration!, live.identities, backends));
    accounts.erasureNames.push(liveErasureNames(config.liveMigration!, live.identities));
  }
  return {
    config,
    log: runtime.log,
    backends,
    ...(live ? { live } : {}),
    events,
    cursors: createCursorCodec(config.cursorSecret),
    emulators,
    store,
    resourceLock,
    sessions,
    accounts,
    loginLimits: createLoginLimits(store, config.loginLimits),
    docsAssets:
      runtime.docsAssets ??
      (async (name) => {
        throw new GatewayError('not_found', `${name} is not available in this runtime`);
      }),
    breaker,
    clientAddress: networkOf(
      config.clientAddressHeader
        ? fromHeader(config.clientAddressHeader)
        : (runtime.clientAddress ?? (() => undefined)),
    ),
    ...(tracing ? { tracing } : {}),
    ...(metrics ? { metrics } : {}),
    ...(observeAttempt ? { observeAttempt } : {}),
    readiness: createReadiness({ store, backends, log: runtime.log, observeAttempt }),
    background: createBackgroundTasks(),
  };
}
