/** The files `npm run migrate` reads and writes: the state file (atomically, as the run goes) and the reports. */
import {
  closeSync,
  constants,
  createReadStream,
  createWriteStream,
  fstatSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { access, appendFile, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { basename, dirname, join } from 'node:path';
import { parseState, stateJson, type MigrationState } from '../lib/index.js';

export class FileProblem extends Error {}

/** Checked before migrating: a report or state that cannot be written afterwards would be lost. */
export async function assertWritable(option: string, path: string | undefined): Promise<void> {
  if (path === undefined) return;
  const existing = await stat(path).catch(() => undefined);
  // A directory there (or a file not ours to write) would only fail once the run is over, its
  // customers migrated and its report lost.
  if (existing?.isDirectory()) throw new FileProblem(`${option} ${path}: exists and is a directory`);
  // Our own stdout, a device or a pipe is written to where it is (streamed): its directory is not ours.
  if (isOwnStdout(path)) return;
  if (existing && !existing.isFile()) return writableTarget(option, path);
  try {
    await access(dirname(path), constants.W_OK);
  } catch {
    throw new FileProblem(`${option} ${path}: its directory does not exist or is not writable`);
  }
  if (existing) await writableTarget(option, path);
}

const writableTarget = (option: string, path: string) =>
  access(path, constants.W_OK).catch(() => {
    throw new FileProblem(`${option} ${path}: exists and is not writable`);
  });

/**
 * A report path that is streamed to: this process's stdout (whatever it is: a tty, a pipe, a
 * socket, a file it was redirected to), or no regular file but a device or a FIFO.
 */
export async function isStreamTarget(path: string): Promise<boolean> {
  if (isOwnStdout(path)) return true;
  const existing = await stat(path).catch(() => undefined);
  return existing !== undefined && !existing.isFile() && !existing.isDirectory();
}

/** Whether `path` is this process's standard output (/dev/stdout, /proc/self/fd/1, the tty or pipe it is). */
export function isOwnStdout(path: string): boolean {
  try {
    const [out, target] = [fstatSync(1), statSync(path)];
    return out.dev === target.dev && out.ino === target.ino;
  } catch {
    return false;
  }
}

/** The state file, or undefined on a first run (no file yet). */
export async function readState(path: string): Promise<MigrationState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new FileProblem(`--state ${path}: cannot be read (${(error as Error).message})`);
  }
  try {
    return parseState(text);
  } catch (error) {
    throw new FileProblem(`--state ${path}: ${(error as Error).message}`);
  }
}

/**
 * Replaces the state file in one step (write a temporary file beside it, then rename over it):
 * a process killed at any moment leaves either the old state or the new one, never half a file.
 * Synchronous, so checkpoints land in the order the customers finished.
 */
export function writeStateAtomically(path: string, state: MigrationState): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, stateJson(state), { mode: 0o600 });
  renameSync(temporary, path);
}

/** Writes a report readable only by its owner (it holds emails). */
export async function writePrivate(path: string, text: string): Promise<void> {
  // Our stdout by its descriptor: a socket (a parent's pipe, in Node) cannot be opened by path.
  if (isOwnStdout(path)) writeFileSync(1, text);
  else await writeFile(path, text, { mode: 0o600 });
}

/**
 * A JSON report's customers, written to a private file beside the report as they finish (so a
 * long run holds none of them), then framed into the report once the run ends.
 */
export function customerSpool(path: string) {
  const spoolPath = join(dirname(path), spoolName(path, process.pid));
  // Written synchronously, row by row: the state file moves past a customer right after its row is
  // added, so a process killed then (kill -9) must have the row on disk already, or the resumed run
  // would never report that customer (a buffered stream lost rows so).
  const spool = openSync(spoolPath, 'w', 0o600);
  let lines = 0;
  let open = true;
  const closed = async () => {
    if (open) closeSync(spool);
    open = false;
  };
  return {
    add(line: string) {
      writeSync(spool, lines++ === 0 ? line : `,\n${line}`);
    },
    /** Writes head + the customers + tail to the report and removes the spool. */
    async finish({ head, tail }: ReportFrame) {
      await closed();
      await writePrivate(path, head);
      await pipeline(createReadStream(spoolPath), createWriteStream(path, { flags: 'a' }));
      await appendFile(path, tail);
      await rm(spoolPath, { force: true });
    },
    async discard() {
      await closed();
      await rm(spoolPath, { force: true });
    },
  };
}

/**
 * A JSON report to a stream target (`isStreamTarget`): nothing is spooled (no stray file with
 * emails, in /dev or anywhere), the customers go out as they finish and the summary follows them
 * (`customers` is the first key here, the last one in a file). A run that stops early leaves the
 * reader a document cut short, which no JSON parser takes for a whole one.
 */
export function customerStream(path: string) {
  // Our stdout by its descriptor: a socket (a parent's pipe, in Node) cannot be opened by path.
  const stream = isOwnStdout(path) ? 1 : openSync(path, 'w');
  let lines = 0;
  const opening = '{\n  "customers": [\n';
  return {
    add(line: string) {
      writeFileSync(stream, lines++ === 0 ? `${opening}${line}` : `,\n${line}`);
    },
    async finish(report: ReportFrame) {
      writeFileSync(stream, `${lines === 0 ? opening.trimEnd() : '\n  '}],\n${report.afterCustomers}`);
      if (stream !== 1) closeSync(stream);
    },
    async discard() {
      if (stream !== 1) closeSync(stream);
    },
  };
}

/** The report around its customers: `head` + lines + `tail` in a file; `afterCustomers` follows them in a stream. */
export interface ReportFrame {
  head: string;
  tail: string;
  afterCustomers: string;
}

const spoolName = (path: string, pid: number) => `${basename(path)}.${pid}.customers.tmp`;

/** Whether a process with this id runs (EPERM: it does, as another user); a zombie (Linux: state Z) does not. */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // A killed process nobody reaped yet still answers kill(pid, 0).
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1)?.[0] !== 'Z';
  } catch {
    return true;
  }
}

/**
 * The customer outcomes a killed run (SIGKILL, a crash) spooled for the JSON report `path` and never
 * framed into it: kept, as a private JSON file of their own beside the report
 * (`<report>.interrupted-<pid>.json`, without a row the kill cut short), so no outcome is lost and
 * no stray temporary file keeps emails. A spool of a run still going is left alone. Answers the
 * files written.
 */
export async function keepInterruptedOutcomes(path: string): Promise<string[]> {
  try {
    return await keepSpools(path);
  } catch (error) {
    throw new FileProblem(
      `--report ${path}: an interrupted run's outcomes could not be kept (${(error as Error).message})`,
    );
  }
}

async function keepSpools(path: string): Promise<string[]> {
  const dir = dirname(path);
  const kept: string[] = [];
  const prefix = `${basename(path)}.`;
  for (const name of await readdir(dir)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)\.customers\.tmp$/.exec(name.slice(prefix.length))?.[1]);
    if (!Number.isInteger(pid) || pid === process.pid || running(pid)) continue;
    const spool = join(dir, name);
    const rows: unknown[] = [];
    for (const line of (await readFile(spool, 'utf8')).split(',\n')) {
      try {
        rows.push(JSON.parse(line));
      } catch {
        // The line the kill cut short (the last one): its customer is reported again by the resumed run.
      }
    }
    if (rows.length > 0) {
      const file = `${path}.interrupted-${pid}.json`;
      const note = 'outcomes of a run that was killed before it wrote its report; the resumed run reports the rest';
      await writePrivate(file, `${JSON.stringify({ interrupted: true, note, customers: rows }, null, 2)}\n`);
      kept.push(file);
    }
    await rm(spool, { force: true });
  }
  return kept;
}
