import type { ChildProcess } from 'node:child_process';
import { Hono } from 'hono';
import type { Emulator } from '../../emulators/shared/types.js';
import { serveOnLoopback, type RunningEmulator } from '../../emulators/shared/runtime.js';
import { spawnScript } from '../e2e/support.js';

/**
 * `npm run migrate`'s script command (package.json) as a child process configured by env only, in
 * its own process group (a shell runs node): `kill()` SIGKILLs the whole group, as the OOM killer
 * or a closed terminal would.
 */
export function startMigrate(
  args: string[],
  env: Record<string, string>,
): {
  child: ChildProcess;
  kill(): void;
  done: Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>;
} {
  const child = spawnScript('migrate', args, env);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, kill: () => process.kill(-child.pid!, 'SIGKILL'), done };
}

export type RequestHook = (request: Request) => Promise<Response | void>;

/**
 * An emulator served on loopback behind a hook that sees every request first: the hook may hold
 * it (while a test kills the client), answer it itself, or let it through to the emulator.
 */
export async function serveWithHook(
  emulator: Emulator<unknown>,
  hook: { current?: RequestHook },
): Promise<RunningEmulator & { env: Record<string, string> }> {
  const front = new Hono();
  front.all('*', async (c) => (await hook.current?.(c.req.raw)) ?? emulator.app.fetch(c.req.raw));
  const running = await serveOnLoopback(front);
  return { ...running, env: emulator.connectionEnv(running.origin) };
}
