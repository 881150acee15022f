import { createRoute, type z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AdapterPage, CustomerAdapter, Versioned } from '../../adapters/types.js';
import type { CursorCodec } from '../../adapters/cursor.js';
import type { GatewayEnv } from '../context.js';
import { deleteOrRecover } from './recovery.js';
import {
  body,
  etagOf,
  etagScope,
  IfMatchHeader,
  json,
  notModified,
  problemResponses,
  toPage,
  withIfMatch,
  type Serialize,
} from './support.js';

/**
 * The handler bodies customers and addresses share: a page behind a signed cursor, a created
 * resource, a read with its ETag (304 when the caller's copy is current), a write and a delete
 * that honour If-Match.
 */

/** Decodes the caller's cursor for `scope`, lists one page, and answers it with the next cursor. */
export async function answerPage<T>(
  c: Context<GatewayEnv>,
  cursors: CursorCodec,
  scope: string,
  { limit, cursor }: { limit: number; cursor?: string },
  list: (position: unknown) => Promise<AdapterPage<T>>,
) {
  const position = cursor === undefined ? undefined : await cursors.decode(cursor, c.get('backend'), scope);
  return c.json(await toPage(c, cursors, scope, limit, await list(position)), 200);
}

/** 201 with Location and ETag (200: a registration that converted an existing guest customer). */
export async function answerCreated<T extends object, S extends 200 | 201 = 201>(
  c: Context<GatewayEnv>,
  location: string,
  created: Versioned<T>,
  status: S = 201 as S,
) {
  c.header('Location', location);
  c.header('ETag', await etagOf(created, etagScope(c)));
  return c.json(created.value, status);
}

/** The same answer as a plain Response, for one given after the request's own (settle.ts). */
export function createdResponse<T extends object>(
  location: string,
  created: Versioned<T>,
  /** etagScope(c): an instance's ETags are its own, as answerCreated's. */
  scope: string,
  status: 200 | 201 = 201,
): Response {
  return new Response(JSON.stringify(created.value), {
    status,
    headers: { 'content-type': 'application/json', location, etag: etagOf(created, scope) },
  });
}

/** 200 with the ETag, or 304 when If-None-Match already names it. */
export async function answerRead<T extends object>(c: Context<GatewayEnv>, found: Versioned<T>) {
  const etag = await etagOf(found, etagScope(c));
  c.header('ETag', etag);
  if (notModified(c.req.header('if-none-match'), etag)) return c.body(null, 304);
  return c.json(found.value, 200);
}

/**
 * A write under `lock` and the request's If-Match (checked upstream where the backend can, else by
 * reading first); sets the new ETag. `prepare`: see withIfMatch.
 */
export async function conditionalWrite<T extends object>(
  c: Context<GatewayEnv>,
  adapter: CustomerAdapter,
  lock: Serialize,
  read: () => Promise<Versioned<T>>,
  write: (nativeIfMatch: string | undefined) => Promise<Versioned<T>>,
  prepare?: () => Promise<boolean>,
): Promise<Versioned<T>> {
  const scope = etagScope(c);
  const ifMatch = c.req.header('if-match');
  const updated = await withIfMatch(adapter.capabilities.etag, ifMatch, lock, read, write, scope, prepare);
  c.header('ETag', await etagOf(updated, scope));
  return updated;
}

/** The PATCH route of a resource: If-Match honoured, 200 with the updated representation. */
export const patchRoute = <Path extends string, P extends z.ZodObject, B extends z.ZodType, R extends z.ZodType>(
  path: Path,
  operationId: string,
  tags: string[],
  summary: string,
  [params, patch, result]: [P, B, R],
) =>
  createRoute({
    method: 'patch',
    path,
    operationId,
    tags,
    summary,
    request: { params, headers: IfMatchHeader, body: body(patch) },
    responses: { 200: json(result, 'The updated resource'), ...problemResponses },
  });

/** The DELETE route of a resource: If-Match honoured, 204 when gone. */
export const deleteRoute = <Path extends string, P extends z.ZodObject>(
  path: Path,
  operationId: string,
  tags: string[],
  summary: string,
  params: P,
) =>
  createRoute({
    method: 'delete',
    path,
    operationId,
    tags,
    summary,
    request: { params, headers: IfMatchHeader },
    responses: { 204: { description: 'Deleted' }, ...problemResponses },
  });

/**
 * A delete under the request's If-Match (checked by reading first, under `lock`), answered 204;
 * a retry of a request whose first attempt already deleted the resource is a success too.
 */
export async function conditionalDelete<T extends object>(
  c: Context<GatewayEnv>,
  lock: Serialize,
  read: () => Promise<Versioned<T>>,
  remove: () => Promise<void>,
) {
  await deleteOrRecover(Boolean(c.get('recovering')), c.get('call'), () =>
    withIfMatch(false, c.req.header('if-match'), lock, read, remove, etagScope(c)),
  );
  return c.body(null, 204);
}
