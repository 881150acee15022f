/**
 * Each test file starts with the runtime's own Request and Response, as it would in a process of
 * its own: the forks run several files one after another (vitest.config.ts, `isolate: false`), and
 * a file that served on loopback left @hono/node-server's classes installed as the globals. Code
 * that captures the native classes when it loads (transport/node-fetch.ts) would otherwise capture
 * that file's.
 */
const KEY = Symbol.for('customer-gateway:test:native-globals');
const holder = globalThis as unknown as Record<symbol, { Request: typeof Request; Response: typeof Response }>;
// Taken by the first file of each fork, before anything of it ran.
holder[KEY] ??= { Request: globalThis.Request, Response: globalThis.Response };
for (const [name, value] of Object.entries(holder[KEY]))
  if ((globalThis as Record<string, unknown>)[name] !== value)
    Object.defineProperty(globalThis, name, { value, writable: true, configurable: true });
