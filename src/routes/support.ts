import { z } from '@hono/zod-openapi';
import murmurhash from 'murmurhash';
import type { Context } from 'hono';
import { GatewayError } from '../../adapters/errors.js';
import type { AdapterPage, CustomerAdapter, CustomerRef, Versioned } from '../../adapters/types.js';
import { unsupported } from '../../adapters/unsupported.js';
import { ProblemSchema, type Page } from '../../schemas/index.js';
import type { CursorCodec } from '../../adapters/cursor.js';
import type { GatewayEnv } from '../context.js';
import type { GatewayDeps } from '../deps.js';
import { stableJson } from '../digest.js';

export const CustomerIdParam = z
  .string()
  .min(1)
  .max(300)
  .openapi({
    param: { name: 'customerId', in: 'path' },
    description: "The backend's id, or `ref:<externalRef>`.",
    example: '00001',
  });
export const AddressIdParam = z
  .string()
  .min(1)
  .max(256)
  .openapi({ param: { name: 'addressId', in: 'path' }, example: 'home' });
/**
 * `*` or a list of entity tags, each quoted (RFC 9110): an unquoted tag matched on a platform that
 * compares bare tags (OCAPI) and never elsewhere, so it is refused the same way on every backend.
 */
export const IfMatchHeader = z.object({
  'if-match': z
    .string()
    .max(256)
    .regex(/^\s*(\*|(W\/)?"[\x21\x23-\x7e\x80-\xff]*"(\s*,\s*(W\/)?"[\x21\x23-\x7e\x80-\xff]*")*)?\s*$/, {
      message: 'must be * or a list of quoted entity tags, e.g. "abc"',
    })
    .optional(),
});

export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
export const body = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

export const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

/** The problem answers every resource route can give. */
export const problemResponses = {
  400: problem('Invalid input; `errors[]` names the fields'),
  401: problem('No API key (or, on /v1/me, no valid access token)'),
  403: problem('The API key is not accepted here'),
  404: problem('Unknown backend, customer or address'),
  409: problem('Conflict with stored data'),
  412: problem('If-Match does not match the current ETag'),
  413: problem('Body over 64 KiB'),
  415: problem('Body is not application/json'),
  422: problem('The backend refused the change on a business rule'),
  429: problem('The backend is rate limiting; see Retry-After'),
  501: problem('The backend cannot do this; `detail` says what instead'),
  502: problem('The backend failed or rejected our credentials'),
  503: problem('The backend is unreachable'),
  504: problem('The backend did not answer in time'),
} as const;

/** Per request, the native ids its `ref:` references were resolved to (the lock, then the event, need the same one). */
const resolvedRefs = new WeakMap<Context<GatewayEnv>, Map<string, Promise<string>>>();

/**
 * The native id behind a customer reference (locks and events name customers by it), looked up
 * once per request; `call` is the request's unless the write outlives it (idempotency/settle.ts).
 */
export function nativeId(c: Context<GatewayEnv>, ref: CustomerRef, call = c.get('call')): Promise<string> {
  const adapter = c.get('adapter') as CustomerAdapter;
  if (ref.kind === 'id' && !adapter.canonicalId) return Promise.resolve(ref.id);
  let resolved = resolvedRefs.get(c);
  if (!resolved) resolvedRefs.set(c, (resolved = new Map()));
  const key = ref.kind === 'id' ? `id:${ref.id}` : `ref:${ref.externalRef}`;
  let id = resolved.get(key);
  if (!id) {
    // An id with other names (live): its one name. A ref: the id of the customer it names.
    id =
      ref.kind === 'id'
        ? adapter.canonicalId!(ref.id, call)
        : adapter.getCustomer(ref, { expandAddresses: false }, call).then((found) => found.value.id);
    // A lookup that failed is not kept: the next asks again.
    id.catch(() => resolved!.delete(key));
    resolved.set(key, id);
  }
  return id;
}

/** `ref:<externalRef>` or a native id; ref lookups only where the backend can do them. */
export function customerRef(adapter: CustomerAdapter, raw: string): CustomerRef {
  if (!raw.startsWith('ref:')) return { kind: 'id', id: raw };
  const externalRef = raw.slice(4);
  if (!externalRef)
    throw new GatewayError('validation_failed', 'ref: needs an external reference after it', {
      errors: [{ path: 'path.customerId', message: 'empty ref' }],
    });
  if (!adapter.capabilities.externalRefLookup) throw unsupported(adapter, 'externalRefLookup');
  return { kind: 'externalRef', externalRef };
}

const utf8 = new TextEncoder();
const hex8 = (n: number) => n.toString(16).padStart(8, '0');
/** Reused for every derived ETag (encoded, hashed, done: nothing keeps it across an await). */
let scratch = new Uint8Array(8192);

/**
 * A strong ETag for backends without one, from the canonical representation (addresses left out,
 * so `?expand=addresses` does not change a customer's ETag). MurmurHash3 under two seeds (64 bits):
 * an ETag tells versions of one resource apart and needs no secrecy, so a cryptographic digest
 * (async WebCrypto, a tenth of the gateway's CPU per request under load) buys nothing.
 */
export function deriveEtag(value: object, scope = ''): string {
  const text = scope + stableJson(value, 'addresses');
  // UTF-8 is at most 3 bytes per UTF-16 code unit.
  if (text.length * 3 > scratch.length) scratch = new Uint8Array(text.length * 3);
  const bytes = scratch.subarray(0, utf8.encodeInto(text, scratch).written);
  return `"${hex8(murmurhash.v3(bytes, 0x9747b28c))}${hex8(murmurhash.v3(bytes, 0x5bd1e995))}"`;
}

export function etagOf<T extends object>(result: Versioned<T>, scope = ''): string {
  return result.etag ?? deriveEtag(result.value, scope);
}

/** What derived ETags of the request's backend are scoped to: an instance's name, so two shops' ETags differ ('' for a platform). */
export function etagScope(c: Context<GatewayEnv>): string {
  const adapter = c.get('adapter');
  return adapter.platform === undefined || adapter.platform === adapter.backend ? '' : `${adapter.backend}\n`;
}

/** Conditional GET (RFC 9110 weak comparison): the caller's copy is current. */
export function notModified(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.trim() === '*' || ifNoneMatch.split(',').some((tag) => bare(tag) === bare(etag));
}

/**
 * If-Match (RFC 9110): `*`, or the strong entity tags of the list. Weak tags never match under
 * If-Match's strong comparison, so a list of only weak tags can never be satisfied.
 */
export function parseIfMatch(header: string | undefined): '*' | string[] | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  if (header.trim() === '*') return '*';
  return header
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag !== '' && !tag.startsWith('W/'));
}

/**
 * Checks If-Match by reading the current representation first. Used where the upstream cannot
 * check it (derived ETags, DELETE, several tags); callers hold the resource's lock around the read
 * and the write (see `withIfMatch`), so no other writer slips in between.
 */
async function checkIfMatchByReading<T extends object>(
  ifMatch: string | undefined,
  read: () => Promise<Versioned<T>>,
  scope: string,
): Promise<string | undefined> {
  const tags = parseIfMatch(ifMatch);
  if (tags === undefined || tags === '*') return undefined;
  const current = await etagOf(await read(), scope);
  if (!tags.includes(current))
    throw new GatewayError('precondition_failed', `If-Match ${ifMatch} does not match the current ETag ${current}`);
  return current;
}

/** Runs a function as the only writer of one resource; see createResourceLock. */
export type Serialize = <R>(fn: () => Promise<R>) => Promise<R>;

/**
 * The lock of one customer of the request's backend, its addresses included (on some platforms an
 * address is part of the customer's record), keyed by the native id so `ref:<externalRef>` and the
 * id of the same customer take the same lock (a ref is resolved only when the lock is needed).
 */
export function resourceLock(c: Context<GatewayEnv>, deps: GatewayDeps, customerId: string): Serialize {
  return async (fn) => {
    const id = await nativeId(c, customerRef(c.get('adapter'), customerId));
    return deps.resourceLock([c.get('backend'), id].map(encodeURIComponent).join('/'), c.get('call').signal, fn);
  };
}

/**
 * Runs a write as the only writer of its customer through the gateway (fleet-wide with a shared
 * store), with If-Match honoured by the upstream where it can (native ETags, one tag), else by the
 * gateway: read, compare and write under the lock, so of N writers carrying the same current tag
 * exactly one wins. The lock is taken without If-Match too: several platforms take a write as a
 * whole record read and written back (Open2b keeps the billing address on its customer, SCAYLE
 * replaces a whole address), where two writes of different fields at once kept only one of them.
 * `prepare` runs after the If-Match check and before the write (the current-password check of a
 * shopper's new email); answering true, it says it changed the resource's version itself (a
 * login), so a native backend is then handed the tag read after it.
 */
export async function withIfMatch<T extends object, R>(
  /** The upstream checks If-Match on this write itself (capability `etag`; never for DELETE). */
  upstreamChecks: boolean,
  ifMatch: string | undefined,
  serialize: Serialize,
  read: () => Promise<Versioned<T>>,
  write: (nativeIfMatch: string | undefined) => Promise<R>,
  /** See etagScope. */
  scope = '',
  prepare?: () => Promise<boolean>,
): Promise<R> {
  const tags = parseIfMatch(ifMatch);
  return serialize(async () => {
    if (tags === undefined || tags === '*') {
      await prepare?.();
      return write(undefined);
    }
    if (upstreamChecks && tags.length === 1 && !prepare) return write(tags[0]);
    const matched = await checkIfMatchByReading(ifMatch, read, scope);
    const moved = (await prepare?.()) === true;
    if (!upstreamChecks) return write(undefined);
    // Hand a native backend the tag that matched, so it still rejects a change made since our read.
    return write(moved ? etagOf(await read(), scope) : matched);
  });
}

/** `Link: rel="next"`: this request's URL with the next page's position (`param`) and `limit`. */
export function linkNext(c: Context<GatewayEnv>, param: 'cursor' | 'after', position: string, limit: number): void {
  const url = new URL(c.req.url);
  url.searchParams.set(param, position);
  url.searchParams.set('limit', String(limit));
  c.header('Link', `<${url.pathname}${url.search}>; rel="next"`);
}

/** Wraps an adapter page into the canonical one: signed cursor, `Link: rel="next"`. */
export async function toPage<T>(
  c: Context<GatewayEnv>,
  cursors: CursorCodec,
  scope: string,
  limit: number,
  page: AdapterPage<T>,
): Promise<Page<T>> {
  const nextCursor =
    page.next === null || page.next === undefined ? null : await cursors.encode(c.get('backend'), scope, page.next);
  if (nextCursor) linkNext(c, 'cursor', nextCursor, limit);
  return { items: page.items, page: { limit, nextCursor, ...(page.total !== undefined ? { total: page.total } : {}) } };
}
