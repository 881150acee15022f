import pino from 'pino';
import type { Log } from '../../adapters/types.js';
import { redact } from './redact.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface LoggerOptions {
  level: LogLevel;
  /** Where JSON lines go; default stdout (Node) or console.log (Workers). Tests pass a collector. */
  write?: (line: string) => void;
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
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      browser: {
        asObject: true,
        write: (record: object) => (write ?? console.log)(JSON.stringify(nodeLineShape(record as Record<string, unknown>))),
      },
    },
    write ? { write } : undefined,
  );
  return wrap(logger);
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

function wrap(logger: pino.Logger): Log {
  return {
    debug: (obj, msg) => logger.debug(redact(obj) as object, msg),
    info: (obj, msg) => logger.info(redact(obj) as object, msg),
    warn: (obj, msg) => logger.warn(redact(obj) as object, msg),
    error: (obj, msg) => logger.error(redact(obj) as object, msg),
    child: (bindings) => wrap(logger.child(redact(bindings) as Record<string, unknown>)),
  };
}
