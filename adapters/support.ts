import { z } from 'zod';
import { GatewayError, isNotFound, upstreamTimeout, type FieldError } from './errors.js';
import type { AdapterPage, CallContext, CustomerRef } from './types.js';

/**
 * Helpers every adapter shares, so the same problem is solved the same way on every platform:
 * representations without `undefined` keys, how a customer ref reads in a message, cursor
 * positions that are not ours, errors of multi-step writes, and the one collector for fields a
 * backend cannot store.
 */

/** Drops undefined values so representations (and the ETags derived from them) stay minimal. */
export function compact<T extends object>(value: T): T {
  // A loop, not entries/filter/fromEntries: it runs several times per answer on the hot path.
  const out: Record<string, unknown> = {};
  for (const key in value) if (value[key] !== undefined) out[key] = value[key];
  return out as T;
}

/**
 * A context for upstream work that does not end with its request's deadline: the request's id and
 * log, its attempts traced and counted like the request's own (observeAttempt), and `signal` instead
 * of the request's. `forRequest`: the work may still be part of the request's answer, so the headers
 * and the adapter calls it records go to the request; otherwise they go nowhere. Its
 * `lostDeleteAnswers` stay its own: a delete whose not-found the route must weigh (recovery.ts)
 * runs on the request's context, never on a detached one.
 */
export function detachedCall(call: CallContext, signal: AbortSignal, forRequest = false): CallContext {
  return {
    requestId: call.requestId,
    log: call.log,
    signal,
    setResponseHeader: forRequest ? (name, value) => call.setResponseHeader(name, value) : () => {},
    ...(forRequest && call.recordCall ? { recordCall: (op: string, ms: number) => call.recordCall!(op, ms) } : {}),
    ...(call.observeAttempt ? { observeAttempt: call.observeAttempt } : {}),
  };
}

/**
 * Upstream work several callers wait on at once (a token request). The first caller starts it
 * without its own signal or deadline, so one caller going away does not fail the others; the
 * upstream client's timeouts bound the work, and each caller waits for it only as long as its
 * own signal allows (then upstream_timeout, as its own upstream call would end), while the work
 * goes on for the others.
 */
export class SharedRequest<T> {
  #pending: Promise<T> | undefined;

  constructor(
    private readonly backend: string,
    private readonly start: (ctx: CallContext) => Promise<T>,
  ) {}

  get(ctx: CallContext): Promise<T> {
    this.#pending ??= this.start(detachedCall(ctx, new AbortController().signal)).finally(
      () => (this.#pending = undefined),
    );
    return waitWithin(this.#pending, ctx.signal, this.backend);
  }
}

function waitWithin<T>(work: Promise<T>, signal: AbortSignal, backend: string): Promise<T> {
  if (signal.aborted) return Promise.reject(upstreamTimeout(backend));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(upstreamTimeout(backend));
    signal.addEventListener('abort', onAbort, { once: true });
    const settled = () => signal.removeEventListener('abort', onAbort);
    work.then(
      (value) => (settled(), resolve(value)),
      (error: unknown) => (settled(), reject(error)),
    );
  });
}

/** A customer ref as the caller wrote it in the path: the id, or `ref:<externalRef>`. */
export const describeRef = (ref: CustomerRef): string => (ref.kind === 'id' ? ref.id : `ref:${ref.externalRef}`);

/**
 * For a platform that answers one 404 for a missing address and for a missing customer: on that
 * 404 the customer is read (`readCustomer` throws its own not_found when it is gone), so the answer
 * names what is missing. Costs a call on the error path only; any other outcome keeps the 404.
 */
export async function namingMissingCustomer<T>(work: Promise<T>, readCustomer: () => Promise<unknown>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!isNotFound(error)) throw error;
    throw (
      (await readCustomer().then(
        () => undefined,
        (missing: unknown) => (isNotFound(missing) ? missing : undefined),
      )) ?? error
    );
  }
}

/** The 400 for a (validly signed) cursor whose position this list cannot have produced. */
export function notAPosition(backend: string): GatewayError {
  return new GatewayError('validation_failed', `cursor is not a position of this ${backend} list`, {
    errors: [{ path: 'query.cursor', message: 'not a position of this list' }],
  });
}

/** A decoded cursor position checked against the list's position schema; undefined on the first page. */
export function parsePosition<T>(schema: z.ZodType<T>, position: unknown, backend: string): T | undefined {
  if (position === undefined) return undefined;
  const parsed = schema.safeParse(position);
  if (!parsed.success) throw notAPosition(backend);
  return parsed.data;
}

/**
 * Addresses in the canonical order every backend answers: the customer's defaults first, then the
 * rest, each in the order given (a stable sort).
 */
export function defaultsFirst<T extends { isDefaultBilling?: boolean; isDefaultShipping?: boolean }>(
  addresses: T[],
): T[] {
  const isDefault = (a: T) => Number(a.isDefaultBilling === true || a.isDefaultShipping === true);
  return [...addresses].sort((a, b) => isDefault(b) - isDefault(a));
}

const Offset = z.int().min(0);

/** One page of a list held whole in memory; the position is the offset of the page's first item. */
export function offsetPage<T>(all: T[], limit: number, position: unknown, backend: string): AdapterPage<T> {
  const start = parsePosition(Offset, position, backend) ?? 0;
  const end = start + limit;
  return { items: all.slice(start, end), next: end < all.length ? end : null, total: all.length };
}

/**
 * An error of a later step of a multi-step write, re-thrown with what the earlier steps had
 * already `created` (the caller must not simply repeat the whole write).
 */
export function withCreated(error: unknown, created: Record<string, unknown>, step: string): GatewayError {
  const cause =
    error instanceof GatewayError ? error : new GatewayError('internal', 'an unexpected failure', { cause: error });
  return new GatewayError(cause.code, `${step} failed after ${JSON.stringify(created)} was created: ${cause.message}`, {
    errors: cause.errors,
    upstream: cause.upstream,
    retryAfter: cause.retryAfter,
    created,
    cause: error,
  });
}

/**
 * The one collector of input a backend cannot store: every mapper adds what it refuses, then
 * `throwIfAny()` answers one validation_failed naming every field at once (never a silent drop,
 * never a truncation).
 */
export class FieldErrors {
  readonly errors: FieldError[] = [];

  constructor(private readonly backend: string) {}

  add(path: string, message: string): void {
    this.errors.push({ path, message });
  }

  /** Refuses each field of `input` that is set (not undefined or null) and named in `unsupported` (field → why). */
  unsupported(input: object, unsupported: Readonly<Record<string, string>>, prefix = ''): void {
    const record = input as Record<string, unknown>;
    for (const [field, message] of Object.entries(unsupported)) {
      if (record[field] !== undefined && record[field] !== null) this.add(`${prefix}${field}`, message);
    }
  }

  throwIfAny(): void {
    if (this.errors.length === 0) return;
    const list = this.errors.map((e) => `${e.path}: ${e.message}`).join('; ');
    throw new GatewayError('validation_failed', `${this.backend} cannot store this: ${list}`, { errors: this.errors });
  }
}
