import type { Capabilities } from '../../adapters/types.js';
import { createApp } from '../../src/app.js';
import { createDeps, type GatewayDeps, type RuntimeDeps } from '../../src/deps.js';
import { embeddedEmulators } from '../../src/embedded.js';
import { parseEnv } from '../../src/env.js';
import { createLogger } from '../../src/logging/logger.js';
import { nodeDocsAssets } from '../../src/runtime/docs-assets-node.js';

/** A gateway built from an env record, driven in-process; upstream calls use real fetch. */
export interface GatewayUnderTest {
  deps: GatewayDeps;
  app: ReturnType<typeof createApp>;
  capabilities: Capabilities;
  /** Request against /v1/backends/{backend}{path}; JSON bodies are serialised for you. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<TestResponse>;
}

export interface TestResponse {
  status: number;
  headers: Headers;
  body: any;
}

export function buildGateway(
  backend: string,
  env: Record<string, string>,
  logLines?: string[],
  /** Runtime pieces a test supplies itself, e.g. a recording `accountEvents`. */
  runtime: Pick<RuntimeDeps, 'accountEvents'> = {},
): GatewayUnderTest {
  const config = parseEnv({ LOG_LEVEL: logLines ? 'debug' : 'silent', ...env });
  const log = createLogger({
    level: config.logLevel,
    write: logLines ? (line) => void logLines.push(line) : undefined,
  });
  const deps = createDeps(
    config,
    { fetch: (input, init) => fetch(input, init), log, docsAssets: nodeDocsAssets, ...runtime },
    embeddedEmulators,
  );
  const app = createApp(deps);
  return {
    deps,
    app,
    capabilities: deps.backends.get(backend)!.capabilities,
    async call(method, path, body, headers = {}) {
      const url = path.startsWith('/v1') || path.startsWith('/openapi') ? path : `/v1/backends/${backend}${path}`;
      const response = await app.request(url, {
        method,
        headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* not JSON: keep the text */
      }
      return { status: response.status, headers: response.headers, body: parsed };
    },
  };
}

let counter = 0;
/** Unique, short (Open2b caps names at 25) test data. */
export function uniqueTag(): string {
  counter += 1;
  return `${Date.now().toString(36).slice(-5)}${Math.random().toString(36).slice(2, 5)}${counter}`;
}

/**
 * A registration with a password and one default address, named alike (Open2b keeps one name
 * for the customer and its billing address). Unique per call.
 */
export function shopperRegistration(prefix: string, password: string, street = 'Hauptstraße 5') {
  const tag = uniqueTag();
  const lastName = `${prefix}${tag.slice(-6)}`;
  const address = {
    firstName: 'Erika',
    lastName,
    line1: street,
    city: 'Berlin',
    postalCode: '10115',
    countryCode: 'DE',
  };
  return {
    email: `${prefix.toLowerCase()}-${tag}@example.com`,
    firstName: 'Erika',
    lastName,
    password,
    addresses: [{ ...address, isDefaultBilling: true, isDefaultShipping: true }],
  };
}
