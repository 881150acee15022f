import { ConfigError } from '../adapters/errors.js';
import { checkZodEnglishOnly } from './runtime/zod-check.js';
import { API_VERSION, createApp, type GatewayApp } from './app.js';
import { createDeps, type EmulatorFactories, type GatewayDeps } from './deps.js';
import { openWorkerEventSinks } from './events/sinks/open.js';
import { parseEnv } from './env.js';
import { createLogger } from './logging/logger.js';
import { createDurableObjectStore, type StoreNamespace } from './store/durable-object.js';
import type { SharedStore } from './store/types.js';
import type { Tracing } from './telemetry/tracing.js';

// The Durable Object class behind STORE=durable-objects (bound as GATEWAY_STORE in wrangler.toml).
export { SharedStoreObject } from './store/durable-object.js';

/** STORE=durable-objects: the store over the GATEWAY_STORE namespace; otherwise none (memory). */
function workerStore(config: ReturnType<typeof parseEnv>, env: Record<string, unknown>): SharedStore | undefined {
  if (config.store.kind !== 'durable-objects') return undefined;
  const namespace = env.GATEWAY_STORE as StoreNamespace | undefined;
  if (!namespace || typeof namespace.idFromName !== 'function')
    throw new ConfigError(
      'GATEWAY_STORE',
      'STORE=durable-objects needs this Durable Object binding (see wrangler.toml)',
    );
  return createDurableObjectStore(namespace, { prefix: config.store.prefix });
}

/**
 * wrangler.toml's `define`: false in the production Worker, true in its zero-config demo
 * (`--env demo`). When false, esbuild drops the import below, so the emulators and their demo data
 * are not in the upload, and a backend without a base URL is a ConfigError naming the variable.
 */
declare const GATEWAY_EMBEDDED_EMULATORS: boolean;

/**
 * wrangler.toml's `define`: true by default. The OpenTelemetry SDK and its OTLP serializers are
 * ~24 KiB gzip of the upload (docs/operations.md); a deployment that never traces and needs the
 * room sets it to false, and esbuild drops them.
 */
declare const GATEWAY_TRACING: boolean;

/** Like loadDeps (deps.ts), behind the build flag: imported only when a backend has no base URL. */
async function emulatorFactories(config: ReturnType<typeof parseEnv>): Promise<EmulatorFactories> {
  // One condition around the import: esbuild drops an `if (false)` branch, not code after a return.
  if (GATEWAY_EMBEDDED_EMULATORS && config.backends.some((b) => b.embedded))
    return (await import('./embedded.js')).embeddedEmulators;
  return {};
}

/**
 * Workers entry. The app is built on the first request from the bindings (the same variable names
 * as on Node) and kept for the isolate's life, so embedded emulators keep their state between
 * requests. Requests arriving while it is built wait for the same build.
 */
interface Built {
  gateway: GatewayApp;
  deps: GatewayDeps;
  tracing?: Tracing;
}
let app: Promise<Built> | undefined;

async function build(env: Record<string, unknown>): Promise<Built> {
  checkZodEnglishOnly();
  const vars = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'));
  const config = parseEnv(vars);
  const store = workerStore(config, env);
  let tracing: Tracing | undefined;
  const log = createLogger({
    level: config.logLevel,
    ...(config.tracing ? { mixin: () => tracing?.logFields() ?? {} } : {}),
  });
  // In the bundle (its gzip size is checked), but evaluated only when OTEL_* names an endpoint.
  if (GATEWAY_TRACING && config.tracing) {
    const { startWorkerTracing } = await import('./telemetry/worker.js');
    tracing = startWorkerTracing(config.tracing, { log, serviceVersion: API_VERSION });
  } else if (config.tracing)
    log.warn({ variable: 'OTEL_EXPORTER_OTLP_ENDPOINT' }, 'this Worker is built without tracing (GATEWAY_TRACING)');
  // No docsAssets: Swagger UI's files are Workers Static Assets ([assets] in wrangler.toml),
  // answered before the Worker runs.
  const deps = createDeps(
    config,
    {
      fetch: (input, init) => fetch(input, init),
      log,
      store,
      tracing,
      // Cloudflare sets the caller's address on every request it forwards.
      clientAddress: (c) => c.req.header('cf-connecting-ip'),
      // Webhooks and the EVENTS_QUEUE binding; no background loop here: each write delivers its
      // events within its invocation (waitUntil), the cron trigger retries and polls.
      eventSinks: await openWorkerEventSinks(config.events, env),
      deliverEventsInline: true,
    },
    await emulatorFactories(config),
  );
  return { gateway: createApp(deps), deps, ...(tracing ? { tracing } : {}) };
}

/** What the Workers runtime hands every request besides env: the part used here. */
interface ExecutionContext {
  waitUntil(promise: Promise<unknown>): void;
}

/**
 * The isolate's gateway, built once. A configuration error stays (every request answers it); any
 * other failure is not kept, so the next request or cron run builds again.
 */
async function builtGateway(env: Record<string, unknown>): Promise<Built> {
  try {
    return await (app ??= build(env));
  } catch (error) {
    if (!(error instanceof ConfigError)) app = undefined;
    throw error;
  }
}

export default {
  async fetch(request: Request, env: Record<string, unknown>, ctx: ExecutionContext): Promise<Response> {
    let ready: Built;
    try {
      ready = await builtGateway(env);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      // The message names the variable, never its value.
      return new Response(
        JSON.stringify({
          type: 'about:blank',
          title: 'Gateway misconfigured',
          status: 500,
          detail: error.message,
          code: 'internal',
        }),
        {
          status: 500,
          headers: { 'content-type': 'application/problem+json' },
        },
      );
    }
    const response = await ready.gateway.fetch(request, env, ctx as never);
    // The request's spans have ended: export them after the answer, while the runtime keeps the isolate.
    if (ready.tracing) ctx.waitUntil(ready.tracing.flush());
    return response;
  },

  /** The cron trigger (wrangler.toml [triggers]): polls for changes made elsewhere and retries due deliveries. */
  async scheduled(_controller: unknown, env: Record<string, unknown>, ctx: ExecutionContext) {
    const { deps } = await builtGateway(env);
    if (deps.events) ctx.waitUntil(deps.events.scheduled());
  },
};
