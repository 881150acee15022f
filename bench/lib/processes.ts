import { type ChildProcess, spawn } from 'node:child_process';
import { openSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** A server the bench started as a child process. */
export interface Child {
  name: string;
  proc: ChildProcess;
  origin: string;
  stop(): Promise<void>;
}

const BIN = join(process.cwd(), 'node_modules', '.bin');

function stopper(proc: ChildProcess) {
  return () =>
    new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      const force = setTimeout(() => proc.kill('SIGKILL'), 3_000);
      proc.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      proc.kill('SIGTERM');
    });
}

/** Starts `node --import tsx <file>`, which prints `{"port":N}` once listening on 127.0.0.1. */
export async function startTsServer(name: string, file: string, env: Record<string, string>): Promise<Child> {
  const proc = spawn(process.execPath, ['--import', 'tsx', file], {
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: proc.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    proc.once('exit', (code) => reject(new Error(`${name} exited with ${code} before listening`)));
    lines.once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
  });
  return { name, proc, origin: `http://127.0.0.1:${port}`, stop: stopper(proc) };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The node options package.json's start command gives (its V8 flags), so a build runs as `npm start` runs it. */
export function npmStartNodeOptions(): string[] {
  const command = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start;
  return command.split(/\s+/).filter((arg) => arg.startsWith('--'));
}

/**
 * The node arguments and env of a bench variant, `<target>[+v8-flag…][@VAR=value…]`: a target is
 * a build directory (`dist/node`: its node.js), a `.ts` server (run with tsx) or a `.mjs` script
 * (`scripts/start.mjs`: what npm start runs, without the start command's flags); `+heap-growing-percent=75` passes a V8 flag,
 * `@LOG_LEVEL=warn` sets env. `v8Flags` come first, so a variant's own flags win.
 */
export function variantProcess(spec: string, v8Flags: string[] = []): { args: string[]; env: Record<string, string> } {
  const [target = '', ...assignments] = spec.split('@');
  const [entry = '', ...flags] = target.split('+');
  const script = entry.endsWith('.ts')
    ? ['--import', 'tsx', entry]
    : entry.endsWith('.mjs')
      ? [entry]
      : [`${entry}/node.js`];
  return {
    args: [...v8Flags, ...flags.map((flag) => `--${flag}`), ...script],
    env: Object.fromEntries(assignments.map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)])),
  };
}

/**
 * The gateway exactly as `npm start` runs it: package.json's start command, spawned directly (not
 * through npm, whose own start-up is not the gateway's), configured by env only. Its log lines go
 * to `logFile`. Resolves once /health answers, with the time that took from the spawn.
 */
export async function startGateway(
  env: Record<string, string>,
  logFile: string,
): Promise<Child & { spawnToHealthMs: number }> {
  const command = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } }).scripts.start;
  const [program, ...args] = command.split(/\s+/);
  const port = await freePort();
  const log = openSync(logFile, 'w');
  const started = performance.now();
  const proc = spawn(program!, args, {
    env: { ...process.env, PATH: `${BIN}:${process.env.PATH}`, ...env, PORT: String(port) },
    stdio: ['ignore', log, log],
  });
  const origin = `http://127.0.0.1:${port}`;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`\`${command}\` exited with ${proc.exitCode}; see ${logFile}`);
    const ok = await fetch(`${origin}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (performance.now() - started > 30_000) throw new Error(`\`${command}\` did not answer /health within 30 s`);
    await new Promise((r) => setTimeout(r, 5));
  }
  return { name: 'customer-gateway', proc, origin, stop: stopper(proc), spawnToHealthMs: performance.now() - started };
}

/** A process and all its descendants (a wrapper like tsx forks the real server). */
function processTree(rootPid: number): Set<number> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  const tree = new Set([rootPid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, ppid] of parents) if (tree.has(ppid) && !tree.has(pid)) grew = tree.add(pid) !== undefined;
  }
  return tree;
}

/** Resident memory of a process and all its descendants, in MiB. */
export function treeRssMiB(rootPid: number): number {
  let kib = 0;
  for (const pid of processTree(rootPid)) {
    try {
      kib += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    } catch {
      // Gone.
    }
  }
  return kib / 1024;
}

/** utime + stime of a /proc …/stat file, in ms (fields 14 and 15: 11 and 12 after the command name). */
function statCpuMs(path: string): number {
  const stat = readFileSync(path, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * (1000 / CLOCK_TICKS_PER_SECOND);
}

/** CPU time (ms) of a process's main thread alone (its JavaScript), from /proc/<pid>/task/<pid>/stat. */
export const mainThreadCpuMs = (pid: number): number => statCpuMs(`/proc/${pid}/task/${pid}/stat`);

/** CPU time (user + system) a process and its descendants have used so far, in ms. */
export function treeCpuMs(rootPid: number): number {
  let ms = 0;
  for (const pid of processTree(rootPid)) {
    try {
      ms += statCpuMs(`/proc/${pid}/stat`);
    } catch {
      // Gone.
    }
  }
  return ms;
}

/** USER_HZ: 100 on every Linux this runs on. */
const CLOCK_TICKS_PER_SECOND = 100;
