import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { expect } from 'vitest';
import { createOpen2bEmulator } from '../../emulators/open2b/index.js';
import { createScapiEmulator } from '../../emulators/scapi/index.js';
import { createScayleEmulator } from '../../emulators/scayle/index.js';
import { type RunningEmulator, serveOnLoopback } from '../../emulators/shared/runtime.js';
import type { Emulator, EmulatorOptions } from '../../emulators/shared/types.js';
import { createSfccEmulator } from '../../emulators/sfcc/index.js';

/**
 * Process-level end-to-end support: platform emulators served over HTTP on loopback (as
 * `npm run emulator` serves them) and the package.json scripts users run (`npm start`,
 * `npm run migrate`) as child processes configured by their environment only.
 */

/** A platform behind the gateway, end to end. */
export interface E2ePlatform {
  name: string;
  create(options?: EmulatorOptions): Emulator<any>;
  /** Everything the emulator stored, as text, to check on its backdoor that a write arrived. */
  stored(backdoor: any): Promise<string> | string;
}

/** The platforms every e2e test covers. A new backend is one line here. */
export const e2ePlatforms: E2ePlatform[] = [
  {
    name: 'sfcc',
    create: createSfccEmulator,
    stored: (b) => JSON.stringify(b.readAll().map((c: any) => [c, b.readAddresses(c.customer_id)])),
  },
  { name: 'scayle', create: createScayleEmulator, stored: (b) => JSON.stringify(b.readAll()) },
  { name: 'open2b', create: createOpen2bEmulator, stored: async (b) => JSON.stringify(await b.readAll()) },
  {
    name: 'scapi',
    create: createScapiEmulator,
    stored: (b) => JSON.stringify(b.readAll().map((c: any) => [c, b.readAddresses(c.customerNo)])),
  },
];

export interface ServedPlatform {
  platform: E2ePlatform;
  emulator: Emulator<any>;
  server: RunningEmulator;
  /** What the emulator stored, as text (see E2ePlatform.stored). */
  stored(): Promise<string>;
}

/** Serves a fresh emulator of each platform on loopback; `env` points a gateway at all of them. */
export async function servePlatforms(platforms: E2ePlatform[] = e2ePlatforms, options?: EmulatorOptions) {
  const served: ServedPlatform[] = await Promise.all(
    platforms.map(async (platform) => {
      const emulator = platform.create(options);
      const server = await serveOnLoopback(emulator.app);
      return { platform, emulator, server, stored: async () => platform.stored(emulator.backdoor) };
    }),
  );
  return {
    served,
    env: Object.assign(
      { BACKENDS: platforms.map((p) => p.name).join(',') },
      ...served.map((s) => s.emulator.connectionEnv(s.server.origin)),
    ) as Record<string, string>,
    close: () => Promise.all(served.map((s) => s.server.close())).then(() => undefined),
  };
}

const packageScripts = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: Record<string, string> })
  .scripts;

/** The child's environment: only PATH (with node_modules/.bin, as npm sets it) and what the test gives. */
function scriptEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: `${process.cwd()}/node_modules/.bin:${process.env.PATH}`,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    ...env,
  };
}

/** Runs package.json script `name` exactly as npm would (its command line, via a shell), in its own process group. */
export function spawnScript(name: string, args: string[], env: Record<string, string>): ChildProcess {
  const quoted = args.map((a) => `'${a.replaceAll("'", `'\\''`)}'`).join(' ');
  return spawn('sh', ['-c', `${packageScripts[name]} ${quoted}`], {
    env: scriptEnv(env),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** A free loopback port for the gateway to listen on (it reads PORT from its environment). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

export interface RunningGateway {
  origin: string;
  /** Everything the process wrote to stdout (its log lines) and stderr, so far. */
  stdout: string[];
  stderr: string[];
  stop(): Promise<void>;
  /** SIGKILL to the whole process group (a crash: no shutdown hook runs); resolves once it is gone. */
  kill(): Promise<void>;
}

/**
 * Starts the gateway as `npm start` does (package.json "start", env only) and waits for /health.
 * A port found free can be taken before the gateway binds it (another process's outgoing
 * connection draws from the same range): on EADDRINUSE it starts again on fresh ports, the env's
 * own too when `env` is a function (it is asked again).
 */
export async function startGateway(
  env: Record<string, string> | (() => Promise<Record<string, string>>),
): Promise<RunningGateway> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startGatewayOnce(typeof env === 'function' ? await env() : env);
    } catch (error) {
      if (attempt === 3 || !String(error).includes('EADDRINUSE')) throw error;
    }
  }
}

async function startGatewayOnce(env: Record<string, string>): Promise<RunningGateway> {
  const port = await freePort();
  const child = spawnScript('start', [], { ...env, PORT: String(port) });
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
  let stopping = false;
  // `close`, not `exit`: the shell `sh -c` ends at once on SIGTERM, the gateway (holding the
  // pipes too) only after its shutdown; stop() resolves once the gateway itself is gone.
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => {
      if (!stopping)
        console.error(`npm start exited unexpectedly (${code}):\n${stderr.join('')}${stdout.join('').slice(-4_000)}`);
      resolve(code);
    }),
  );
  const origin = `http://127.0.0.1:${port}`;
  const stop = async () => {
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) {
      process.kill(-child.pid!, 'SIGTERM');
      // A gateway that does not shut down on SIGTERM is killed, not left behind; by then the
      // group is usually gone, and kill's ESRCH says only that.
      setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }, 10_000).unref();
    }
    await exited;
  };
  for (let ready = false; !ready; ) {
    if (child.exitCode !== null)
      throw new Error(`npm start exited with ${child.exitCode}: ${stderr.join('')}${stdout.join('')}`);
    ready = await fetch(`${origin}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (!ready) await new Promise((r) => setTimeout(r, 100));
  }
  const kill = async () => {
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    await exited;
  };
  return { origin, stdout, stderr, stop, kill };
}

/** Runs `npm run <name> -- args` (package.json script, env only) to completion. */
export async function runScript(name: string, args: string[], env: Record<string, string>) {
  const child = spawnScript(name, args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  return { code, stdout, stderr };
}

/** Runs `work` over `count` items with at most `concurrency` in flight; answers the results in order. */
export async function inParallel<T>(
  count: number,
  concurrency: number,
  work: (index: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await work(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/** The JSON log records in a process's output (one JSON object per line). */
export function logRecords(output: string[]): Record<string, unknown>[] {
  return output
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/**
 * The one log shape, on Node and on Workers alike: level as a label first, ISO time second, the
 * fields, msg last. A request's access line has exactly these keys, in this order.
 */
export function expectOneLogShape(records: Record<string, unknown>[]) {
  expect(records.length).toBeGreaterThan(0);
  for (const record of records) {
    const keys = Object.keys(record);
    expect(keys.slice(0, 2)).toEqual(['level', 'time']);
    expect(keys.at(-1)).toBe('msg');
    expect(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).toContain(record.level);
    expect(record.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  }
  const completed = records.find((r) => r.msg === 'request completed');
  expect(Object.keys(completed ?? {})).toEqual(['level', 'time', 'requestId', 'method', 'path', 'status', 'ms', 'msg']);
  expect(completed).toMatchObject({ level: 'info', status: expect.any(Number), ms: expect.any(Number) });
}
