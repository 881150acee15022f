import { CloudEvent } from 'cloudevents';
import { expect } from 'vitest';
import type { CustomerEvent } from '../../schemas/index.js';
import { createApp } from '../../src/app.js';
import { createDeps, type GatewayDeps } from '../../src/deps.js';
import { embeddedEmulators } from '../../src/embedded.js';
import { parseEnv } from '../../src/env.js';
import type { EventSink } from '../../src/events/sinks/types.js';
import { createLogger } from '../../src/logging/logger.js';
import type { SharedStore } from '../../src/store/types.js';

/** A sink that keeps what it was given, in order, and fails while `failing` says so. */
export function recordingSink(name = 'test:recording', options: { signed?: boolean } = {}) {
  const received: CustomerEvent[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  const sink = {
    name,
    signed: options.signed ?? false,
    concurrency: 8,
    failing: (_event: CustomerEvent) => false,
    attempts: 0,
    received,
    async deliver(event: CustomerEvent) {
      sink.attempts++;
      if (sink.failing(event)) throw new Error('the test sink refuses');
      received.push(event);
      for (const waiter of waiters.filter((w) => received.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    },
    close: async () => {},
    /** Resolves once `count` events have arrived in total. */
    until(count: number): Promise<void> {
      if (received.length >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
  } satisfies EventSink & Record<string, unknown>;
  return sink;
}

/** An in-process gateway with change events on, delivering to `sinks` (embedded emulators upstream). */
export function eventsGateway(
  env: Record<string, string>,
  sinks: EventSink[],
  store?: SharedStore,
  wrapFetch?: (backend: string, fetch: typeof globalThis.fetch) => typeof globalThis.fetch,
) {
  const config = parseEnv({ LOG_LEVEL: 'silent', EVENTS: 'on', EVENTS_POLL_SECONDS: '0', ...env });
  const deps: GatewayDeps = createDeps(
    config,
    {
      fetch: (input, init) => fetch(input, init),
      log: createLogger({ level: config.logLevel }),
      eventSinks: sinks,
      ...(store ? { store } : {}),
      ...(wrapFetch ? { wrapFetch } : {}),
    },
    embeddedEmulators,
  );
  const app = createApp(deps);
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await app.request(path, {
      method,
      headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
  };
  return { deps, app, call, events: deps.events! };
}

/** The envelope is a valid CloudEvent by the CloudEvents SDK's own (strict) validation. */
export function expectCloudEvent(event: CustomerEvent) {
  const parsed = new CloudEvent(event as never, true);
  expect(parsed.specversion).toBe('1.0');
  expect(parsed.id).toBe(event.id);
  expect(parsed.type).toBe(event.type);
  expect(parsed.subject).toBe(event.subject);
}
