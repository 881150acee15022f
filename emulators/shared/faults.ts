import type { Context, MiddlewareHandler } from 'hono';

/**
 * One fault-injection switch shared by every emulator. A test (or EMULATOR_FAULTS at start-up)
 * injects a spec; matching requests then get latency, an error status, a 429, a dropped
 * connection (before or after the request was applied), a malformed body, a refusal of the
 * credentials or of a resource, or a skewed clock. Each emulator supplies how its protocol words the 429 and
 * error bodies; everything else is common.
 */
export interface FaultSpec {
  /** Only requests whose method and path match; default every request. */
  method?: string;
  path?: string | RegExp;
  /** Delay before answering (or before the other fault). */
  latencyMs?: number;
  /** Answer with this HTTP status (e.g. 500, 502, 503) in the emulator's error format. */
  status?: number;
  /** Answer 429 as the platform does, with this Retry-After / reset in seconds. */
  rateLimitSeconds?: number;
  /** Close the connection without an answer. */
  drop?: boolean;
  /**
   * Apply the request, then close the connection without its answer: the platform did the write,
   * the caller cannot know (a timeout after commit, a proxy that lost the response).
   */
  lostAnswer?: boolean;
  /** Answer 200 with a truncated JSON body. */
  malformed?: boolean;
  /** Refuse the credentials as the platform does (its 401, or Open2b's 403): a revoked key or client. */
  refuseCredentials?: boolean;
  /** Refuse as the platform does a client that may not use the resource (OCAPI's 403 ClientAccessForbiddenException, …). */
  forbidden?: boolean;
  /** Answer normally, with a `Date` header this many seconds off (a platform, or this machine, with a wrong clock). */
  clockSkewSeconds?: number;
  /** Probability 0..1 that a matching request is hit (default 1). */
  rate?: number;
  /** Apply to the next N matching requests only (default: until cleared). */
  times?: number;
}

export interface FaultController {
  inject(spec: FaultSpec): void;
  clear(): void;
  /** Back to the faults the emulator started with (EMULATOR_FAULTS): what a backdoor reset does. */
  restore(): void;
  readonly active: readonly FaultSpec[];
}

export interface FaultResponders {
  error(c: Context, status: number): Response;
  rateLimited(c: Context, seconds: number): Response;
  /** The platform's refusal of our credentials (default: `error(c, 401)`). */
  unauthorized?(c: Context): Response;
  /** The platform's refusal of a resource the credentials may not use (default: `error(c, 403)`). */
  forbidden?(c: Context): Response;
}

/** Marks a response the runtime layer must turn into a dropped connection (see runtime.ts). */
export const DROP_HEADER = 'x-emulator-drop-connection';

/**
 * `initial` is the emulator's `options.faults` (EMULATOR_FAULTS): a required parameter, so an
 * emulator cannot forget to pass it on (the SFCC one once did, and ignored EMULATOR_FAULTS).
 */
export function createFaults(responders: FaultResponders, initial: readonly FaultSpec[] | undefined) {
  const fresh = () => (initial ?? []).map((s): FaultSpec & { left?: number } => ({ ...s, left: s.times }));
  let specs = fresh();

  const controller: FaultController = {
    inject(spec) {
      specs.push({ ...spec, left: spec.times });
    },
    clear() {
      specs = [];
    },
    restore() {
      specs = fresh();
    },
    get active() {
      return specs;
    },
  };

  const matches = (spec: FaultSpec, method: string, path: string) =>
    (!spec.method || spec.method.toUpperCase() === method) &&
    (!spec.path || (typeof spec.path === 'string' ? path.includes(spec.path) : spec.path.test(path))) &&
    Math.random() < (spec.rate ?? 1);

  const middleware: MiddlewareHandler = async (c, next) => {
    const spec = specs.find((s) => matches(s, c.req.method, c.req.path));
    if (!spec) return next();
    if (spec.left !== undefined && --spec.left <= 0) specs = specs.filter((s) => s !== spec);
    if (spec.latencyMs) await new Promise((r) => setTimeout(r, spec.latencyMs));
    const dropped = () => new Response(null, { status: 599, headers: { [DROP_HEADER]: '1' } });
    if (spec.drop) return dropped();
    if (spec.lostAnswer) {
      await next();
      c.res = dropped();
      return;
    }
    if (spec.clockSkewSeconds !== undefined) {
      await next();
      c.res.headers.set('date', new Date(Date.now() + spec.clockSkewSeconds * 1000).toUTCString());
      return;
    }
    if (spec.refuseCredentials) return responders.unauthorized?.(c) ?? responders.error(c, 401);
    if (spec.forbidden) return responders.forbidden?.(c) ?? responders.error(c, 403);
    if (spec.rateLimitSeconds !== undefined) return responders.rateLimited(c, spec.rateLimitSeconds);
    if (spec.status) return responders.error(c, spec.status);
    if (spec.malformed)
      return new Response('{"truncated": ', { status: 200, headers: { 'content-type': 'application/json' } });
    return next();
  };

  return { controller, middleware };
}

/** Parses EMULATOR_FAULTS (a JSON array of FaultSpec, path as a plain substring). */
export function faultsFromEnv(value: string | undefined): FaultSpec[] {
  if (!value) return [];
  const parsed: unknown = JSON.parse(value);
  if (!Array.isArray(parsed) || !parsed.every((f) => f !== null && typeof f === 'object' && !Array.isArray(f))) {
    throw new Error('EMULATOR_FAULTS must be a JSON array of fault specs');
  }
  return parsed as FaultSpec[];
}
