import pino from 'pino';
import type { Log } from '../../adapters/types.js';
import { redact } from './redact.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface LoggerOptions {
  level: LogLevel;
  /** Where JSON lines go; default stdout (Node) or console.log (Workers). Tests pass a collector. */
  write?: (line: string) => void;
  /**
   * Node only: write stdout asynchronously (pino's SonicBoom, `sync: false`) in batches of 4 KiB
   * or every 100 ms, whichever comes first: a busy gateway makes one write per ~15 lines instead
   * of one per line, and a quiet one shows each line within 100 ms. pino flushes what is pending
   * when the process exits (a SIGKILL loses at most those 100 ms).
   */
  asyncStdout?: boolean;
  /** With asyncStdout: the file descriptor written instead of stdout (1). */
  fd?: number;
  /** Fields added to every line as it is written (tracing: the active span's trace_id and span_id). */
  mixin?: () => Record<string, string>;
}

/**
 * pino writing JSON lines, behind a wrapper that redacts every object before pino sees it.
 * On Workers the bundler picks pino's browser build; `browser.write` makes it print the same
 * JSON lines (see nodeLineShape) through console.log instead of console objects.
 */
export function createLogger(options: LoggerOptions): Log {
  const write = options.write;
  const logger = pino(
    {
      level: options.level,
      base: undefined,
      timestamp: oncePerMillisecond(pino.stdTimeFunctions.isoTime),
      formatters: { level: (label) => ({ level: label }) },
      ...(options.mixin ? { mixin: options.mixin } : {}),
      browser: {
        asObject: true,
        // pino's browser build (Workers) has no mixin: the fields are added here, as the line is written.
        write: (record: object) =>
          (write ?? console.log)(
            JSON.stringify(
              nodeLineShape(options.mixin ? { ...record, ...options.mixin() } : (record as Record<string, unknown>)),
            ),
          ),
      },
    },
    write
      ? { write }
      : options.asyncStdout
        ? pino.destination({ dest: options.fd ?? 1, sync: false, minLength: 4096, periodicFlush: 100 })
        : undefined,
  );
  return wrap(logger);
}

/**
 * pino's ISO time, formatted once per millisecond: under load several lines share one, and
 * `Date#toISOString` per line was ~1 % of the gateway's CPU. (pino's browser build, on Workers,
 * has its own isoTime; this wraps whichever the bundle has.)
 */
function oncePerMillisecond(time: () => string): () => string {
  let at = -1;
  let text = '';
  return () => {
    const now = Date.now();
    if (now !== at) {
      at = now;
      text = time();
    }
    return text;
  };
}

/**
 * One log shape on both runtimes, the one pino writes on Node: `{"level":"info","time":"…",
 * …fields,"msg":"…"}`. The browser build (Workers) puts time first and the level as a number.
 */
export function nodeLineShape(record: Record<string, unknown>): Record<string, unknown> {
  const { level, time, msg, ...fields } = record;
  const label = typeof level === 'number' ? (pino.levels.labels[level] ?? level) : level;
  return { level: label, time, ...fields, msg };
}

/** Redacts only what will be written: a disabled level costs a comparison, not a deep copy. */
function wrap(logger: pino.Logger): Log {
  const at = (level: 'debug' | 'info' | 'warn' | 'error') => (obj: object, msg?: string) => {
    if (logger.isLevelEnabled(level)) logger[level](redact(obj) as object, msg);
  };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (bindings) => wrap(logger.child(redact(bindings) as Record<string, unknown>)),
    isLevelEnabled: (level) => logger.isLevelEnabled(level),
    // Settles on an error too (a stdout whose reader is gone): the caller is on its way out.
    flush: () => new Promise<void>((resolve) => logger.flush(() => resolve())),
  };
}
