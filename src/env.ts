import { z } from 'zod';
import { commaList, parseEnvSlice } from '../adapters/options.js';
import { backendDefinitions } from '../adapters/registry.js';
import { ConfigError } from '../adapters/errors.js';
import { type FaultSpec, faultsFromEnv } from '../emulators/shared/faults.js';
import { type AccountsConfig, parseAccountsEnv } from './accounts/config.js';
import { type BreakerConfig, parseBreakerEnv } from './breaker/config.js';
import { asInstance, entryName, parseBackendEntries, platformView, variablePrefix } from './instances.js';
import type { LogLevel } from './logging/logger.js';
import { LIVE_BACKEND, type LiveMigrationConfig, parseLiveMigrationEnv } from './live/config.js';
import { parseTracingEnv, type TracingConfig } from './telemetry/config.js';
import { type EventsConfig, parseEventsEnv } from './events/config.js';

export interface BackendConfig {
  name: string;
  /** No base URL configured: runs on the built-in emulator (options are parsed when it starts). */
  embedded: boolean;
  options?: unknown;
  /** Set when `name` is an instance of a platform (`brand-a:scayle` in BACKENDS); absent: `name` is the platform. */
  platform?: string;
  /** An instance's environment as its platform reads it (BRAND_A_X as SCAYLE_X); absent: the environment itself. */
  settings?: Record<string, string | undefined>;
}

export interface GatewayConfig {
  port: number;
  logLevel: LogLevel;
  backends: BackendConfig[];
  defaultBackend: string;
  cursorSecret: string;
  requestTimeoutMs: number;
  /** Keys callers must send to /v1, each with its scope; empty = open API. */
  apiKeys: ApiKey[];
  /** Shopper session signing keys (SESSION_SIGNING_KEYS), the first signs; empty = one ephemeral key made at start. */
  sessionSigningKeys: SigningKey[];
  /** Header naming the client's address (set behind a proxy, e.g. X-Forwarded-For); unset = the connection's address. */
  clientAddressHeader?: string;
  /** Failed shopper logins allowed per account and per client address, each within its window. */
  loginLimits: { perAccount: RatePerWindow; perClient: RatePerWindow };
  /** Node server: a client must have sent its request headers within this time. */
  headersTimeoutMs: number;
  /** Browser origins allowed by CORS; empty = no CORS headers, `*` = any. */
  corsOrigins: string[];
  /** Faults the embedded emulators start with (EMULATOR_FAULTS, a JSON array). */
  emulatorFaults: FaultSpec[];
  /** Request budget of the embedded emulators' rate limiters (EMULATOR_RATE_LIMIT=<limit>/<seconds>); off when unset. */
  emulatorRateLimit?: RatePerWindow;
  /** Where state shared by the fleet lives (STORE): idempotency records, rate limits, leases. */
  store: StoreConfig;
  /** IDEMPOTENCY: whether writes must carry an Idempotency-Key. */
  idempotency: 'optional' | 'required';
  /** WRITE_SETTLE_MS: how long a keyed create the deadline cut short may still run to learn its outcome (0: cut at the deadline). */
  writeSettleMs: number;
  /** CALLER_RATE_LIMIT=<limit>/<seconds>: each caller's (API key's) budget at the gateway; off when unset. */
  callerRateLimit?: RatePerWindow;
  /** Per backend: the upstream's call budget shared by the fleet (UPSTREAM_BUDGET_<BACKEND>, else the platform's published limit). */
  upstreamBudgets: Record<string, RatePerWindow | undefined>;
  /** LIVE_MIGRATION: the `live` backend carrying customers from one backend to another (src/live/). */
  liveMigration?: LiveMigrationConfig;
  /** Password reset limits (PASSWORD_RESET_*): docs/accounts.md. */
  accounts: AccountsConfig;
  /** Change events: sinks, payload, polling, retries (EVENTS*, WEBHOOK_*). */
  events: EventsConfig;
  /** The untouched environment, for backends whose options are read once their emulator runs. */
  env: Record<string, string | undefined>;
  /** OTEL_*: where traces go; undefined = tracing off (the SDK is not even loaded). docs/operations.md. */
  tracing?: TracingConfig;
  /** METRICS_PORT (+ METRICS_HOST): /metrics on a listener of its own (Node), without auth; unset = on PORT. */
  metricsListener?: { port: number; host?: string };
  /** SHUTDOWN_DELAY_MS, SHUTDOWN_GRACE_MS: graceful shutdown on SIGTERM (Node). */
  shutdown: { delayMs: number; graceMs: number };
  /** The per-backend circuit breaker (BREAKER_FAILURES, BREAKER_COOLDOWN_MS); undefined when off. */
  breaker?: BreakerConfig;
}

export type ApiKeyScope = 'admin' | 'storefront';
export interface ApiKey {
  key: string;
  scope: ApiKeyScope;
  /** The backends (instances) the key reaches (`admin@brand-a+brand-b:<key>`); absent: all of them. */
  backends?: string[];
}
export interface SigningKey {
  kid: string;
  secret: string;
}
export interface RatePerWindow {
  limit: number;
  windowSeconds: number;
}

export type StoreConfig =
  | { kind: 'memory' }
  | { kind: 'redis'; url: string; prefix: string }
  /** Workers only: the Durable Object namespace bound as GATEWAY_STORE. */
  | { kind: 'durable-objects'; prefix: string };

/**
 * Published call budgets of the platforms, applied to real upstreams (embedded emulators only
 * have one when EMULATOR_RATE_LIMIT gives them one). SFCC and SCAPI quotas depend on the
 * contract: set UPSTREAM_BUDGET_SFCC / UPSTREAM_BUDGET_SCAPI.
 */
const PUBLISHED_BUDGETS: Record<string, RatePerWindow> = {
  scayle: { limit: 300, windowSeconds: 60 },
  open2b: { limit: 1000, windowSeconds: 300 },
};

/** `<limit>/<windowSeconds>`, e.g. `300/60`. */
export const ratePerWindow = z
  .string()
  .regex(/^\d{1,7}\/\d{1,6}$/, 'must be <limit>/<windowSeconds>, e.g. 300/60')
  .transform((text): RatePerWindow => {
    const [limit, windowSeconds] = text.split('/').map(Number);
    return { limit: limit!, windowSeconds: windowSeconds! };
  })
  .refine((r) => r.limit > 0 && r.windowSeconds > 0, 'limit and window must be positive');

/**
 * Used when CURSOR_SECRET is unset. Cursors then still reject edits and foreign lists, but anyone
 * who reads this source can mint one; set CURSOR_SECRET in production.
 */
const DEFAULT_CURSOR_SECRET = 'customer-gateway-default-cursor-key';

const GlobalEnv = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(8787),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BACKENDS: z.string().default('sfcc,scayle,open2b'),
  DEFAULT_BACKEND: z.string().optional(),
  CURSOR_SECRET: z.string().min(16).default(DEFAULT_CURSOR_SECRET),
  REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(30_000),
  HEADERS_TIMEOUT_MS: z.coerce.number().int().min(500).max(120_000).default(10_000),
  API_KEYS: z.string().optional(),
  CORS_ORIGINS: z.string().optional(),
  EMULATOR_FAULTS: z
    .string()
    .optional()
    .transform((text, ctx) => {
      try {
        return faultsFromEnv(text);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be a JSON array of fault specs' });
        return z.NEVER;
      }
    }),
  EMULATOR_RATE_LIMIT: ratePerWindow.optional(),
  SESSION_SIGNING_KEYS: z.string().optional(),
  CLIENT_ADDRESS_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a header name')
    .optional(),
  LOGIN_ACCOUNT_LIMIT: ratePerWindow.default({ limit: 5, windowSeconds: 900 }),
  LOGIN_CLIENT_LIMIT: ratePerWindow.default({ limit: 30, windowSeconds: 900 }),
  STORE: z.enum(['memory', 'redis', 'durable-objects']).default('memory'),
  REDIS_URL: z.url({ protocol: /^rediss?$/, error: 'must be a redis:// or rediss:// URL' }).optional(),
  STORE_PREFIX: z
    .string()
    .regex(/^[\w:.-]{1,64}$/, 'letters, digits, _ : . - (at most 64)')
    .default('customer-gateway:'),
  IDEMPOTENCY: z.enum(['optional', 'required']).default('optional'),
  WRITE_SETTLE_MS: z.coerce.number().int().min(0).max(300_000).default(30_000),
  CALLER_RATE_LIMIT: ratePerWindow.optional(),
  METRICS_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  METRICS_HOST: z
    .string()
    .regex(/^[\w.:-]{1,255}$/, 'must be a host name or address')
    .optional(),
  SHUTDOWN_DELAY_MS: z.coerce.number().int().min(0).max(300_000).default(0),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(25_000),
});

/**
 * `admin:<key>`, `storefront:<key>`, or a bare key (admin, as before scopes existed); a scope may
 * be limited to some backends: `storefront@brand-a+brand-b:<key>`.
 */
function parseApiKeys(value: string | undefined, backends: string[]): ApiKey[] {
  return commaList(value).map((entry) => {
    const scoped = /^(admin|storefront)(?:@([a-z0-9+-]+))?:(.*)$/.exec(entry);
    const key = scoped ? scoped[3]! : entry;
    if (key.length < 16) throw new ConfigError('API_KEYS', 'every key must be at least 16 characters');
    const reaches = scoped?.[2]?.split('+');
    const unknown = reaches?.find((name) => !backends.includes(name));
    if (unknown !== undefined)
      throw new ConfigError('API_KEYS', `a key is limited to "${unknown}", which is not in BACKENDS`);
    return {
      key,
      scope: (scoped?.[1] as ApiKeyScope | undefined) ?? 'admin',
      ...(reaches ? { backends: reaches } : {}),
    };
  });
}

/** `<kid>:<secret>` entries; the first signs new tokens, all of them verify (rotation). */
function parseSigningKeys(value: string | undefined): SigningKey[] {
  const keys = commaList(value).map((entry) => {
    const match = /^([A-Za-z0-9._-]{1,64}):(.{32,})$/.exec(entry);
    if (!match)
      throw new ConfigError(
        'SESSION_SIGNING_KEYS',
        'each entry must be <kid>:<secret> with a secret of at least 32 characters',
      );
    return { kid: match[1]!, secret: match[2]! };
  });
  if (new Set(keys.map((k) => k.kid)).size !== keys.length)
    throw new ConfigError('SESSION_SIGNING_KEYS', 'two entries share a kid');
  return keys;
}

/** Pure: the typed configuration, or a ConfigError naming the variable (never its value). */
export function parseEnv(env: Record<string, string | undefined>): GatewayConfig {
  const global = parseEnvSlice(GlobalEnv, env);
  const listed = commaList(global.BACKENDS);
  const own = listed.filter((n) => n !== LIVE_BACKEND);
  const ownNames = own.map(entryName);
  const liveMigration = parseLiveMigrationEnv(env, [...new Set([...Object.keys(backendDefinitions), ...ownNames])]);
  if (listed.includes(LIVE_BACKEND) && !liveMigration)
    throw new ConfigError('BACKENDS', `${LIVE_BACKEND} needs LIVE_MIGRATION=<source>-><target>`);
  // The live migration's two sides are configured backends: a platform BACKENDS leaves out is added.
  const implicit = liveMigration
    ? [liveMigration.source, liveMigration.target].filter((name) => !ownNames.includes(name))
    : [];
  const entries = parseBackendEntries([...own, ...implicit]);
  const names = entries.map((e) => e.name);
  const backends = entries.map((entry): BackendConfig => {
    const definition = backendDefinitions[entry.platform]!;
    const settings = platformView(env, entry);
    const embedded =
      definition.baseUrlVariable !== undefined &&
      [definition.baseUrlVariable].flat().every((name) => !settings[name]?.trim());
    const options = embedded ? undefined : asInstance(entry, () => definition.parseOptions(settings));
    return {
      name: entry.name,
      embedded,
      options,
      ...(settings === env ? {} : { platform: entry.platform, settings }),
    };
  });
  const store = storeConfig(global.STORE, global.REDIS_URL, global.STORE_PREFIX);
  const upstreamBudgets = Object.fromEntries(
    backends.map((b) => [b.name, upstreamBudget(b, env, global.EMULATOR_RATE_LIMIT)]),
  );
  const served = liveMigration ? [...names, LIVE_BACKEND] : names;
  const defaultBackend = global.DEFAULT_BACKEND ?? names[0]!;
  if (!served.includes(defaultBackend))
    throw new ConfigError('DEFAULT_BACKEND', `must be one of BACKENDS (${served.join(', ')})`);
  return {
    port: global.PORT,
    logLevel: global.LOG_LEVEL,
    backends,
    defaultBackend,
    cursorSecret: global.CURSOR_SECRET,
    requestTimeoutMs: global.REQUEST_TIMEOUT_MS,
    headersTimeoutMs: global.HEADERS_TIMEOUT_MS,
    apiKeys: parseApiKeys(global.API_KEYS, names),
    sessionSigningKeys: parseSigningKeys(global.SESSION_SIGNING_KEYS),
    ...(global.CLIENT_ADDRESS_HEADER ? { clientAddressHeader: global.CLIENT_ADDRESS_HEADER.toLowerCase() } : {}),
    loginLimits: { perAccount: global.LOGIN_ACCOUNT_LIMIT, perClient: global.LOGIN_CLIENT_LIMIT },
    corsOrigins: commaList(global.CORS_ORIGINS),
    emulatorFaults: global.EMULATOR_FAULTS,
    ...(global.EMULATOR_RATE_LIMIT ? { emulatorRateLimit: global.EMULATOR_RATE_LIMIT } : {}),
    store,
    idempotency: global.IDEMPOTENCY,
    writeSettleMs: global.WRITE_SETTLE_MS,
    ...(global.CALLER_RATE_LIMIT ? { callerRateLimit: global.CALLER_RATE_LIMIT } : {}),
    upstreamBudgets,
    ...(liveMigration ? { liveMigration } : {}),
    accounts: parseAccountsEnv(env),
    events: parseEventsEnv(env),
    env,
    ...operationsConfig(global, env),
  };
}

/** Traces, the metrics listener, graceful shutdown and the circuit breaker (docs/operations.md). */
function operationsConfig(global: z.infer<typeof GlobalEnv>, env: Record<string, string | undefined>) {
  if (global.METRICS_PORT !== undefined && global.METRICS_PORT === global.PORT)
    throw new ConfigError('METRICS_PORT', 'must differ from PORT');
  if (global.METRICS_HOST !== undefined && global.METRICS_PORT === undefined)
    throw new ConfigError('METRICS_HOST', 'needs METRICS_PORT');
  const tracing = parseTracingEnv(env);
  return {
    ...(tracing ? { tracing } : {}),
    ...(global.METRICS_PORT === undefined
      ? {}
      : {
          metricsListener: { port: global.METRICS_PORT, ...(global.METRICS_HOST ? { host: global.METRICS_HOST } : {}) },
        }),
    shutdown: { delayMs: global.SHUTDOWN_DELAY_MS, graceMs: global.SHUTDOWN_GRACE_MS },
    breaker: parseBreakerEnv(env),
  };
}

function storeConfig(
  kind: 'memory' | 'redis' | 'durable-objects',
  url: string | undefined,
  prefix: string,
): StoreConfig {
  if (kind === 'memory') return { kind };
  if (kind === 'durable-objects') return { kind, prefix };
  if (!url) throw new ConfigError('REDIS_URL', 'is required when STORE=redis');
  return { kind, url, prefix };
}

/** UPSTREAM_BUDGET_<BACKEND> (`<limit>/<seconds>` or `off`), else the platform's published limit. */
function upstreamBudget(
  backend: BackendConfig,
  env: Record<string, string | undefined>,
  emulatorRateLimit: RatePerWindow | undefined,
): RatePerWindow | undefined {
  const variable = `UPSTREAM_BUDGET_${variablePrefix(backend.name).slice(0, -1)}`;
  const override = env[variable]?.trim();
  if (override === 'off') return undefined;
  if (override) return parseEnvSlice(z.object({ [variable]: ratePerWindow }), env)[variable];
  return backend.embedded ? emulatorRateLimit : PUBLISHED_BUDGETS[backend.platform ?? backend.name];
}
