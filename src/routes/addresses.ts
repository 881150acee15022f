import { createRoute, OpenAPIHono } from '@hono/zod-openapi';
import { GatewayError } from '../../adapters/errors.js';
import { AddressCreateSchema, AddressPatchSchema, AddressSchema, PageQuerySchema, pageSchema } from '../../schemas/index.js';
import type { GatewayEnv } from '../context.js';
import type { GatewayDeps } from '../deps.js';
import { validationHook } from '../middleware/validation.js';
import { deleteOrRecover, recoverAddressCreate } from './recovery.js';
import type { Subject } from './subject.js';
import { AddressIdParam, body, etagOf, IfMatchHeader, json, notModified, problemResponses, resourceLock, toPage, withIfMatch } from './support.js';

const AddressPage = pageSchema(AddressSchema, 'AddressPage');

/** A customer's addresses: an administrator's view of any customer, or a shopper's own (see Subject). */
export function addressRoutes<Path extends string>(deps: GatewayDeps, subject: Subject<Path>) {
  const tags = subject.tags;
  const op = subject.operationId;
  const list = `${subject.path}/addresses` as const;
  const item = `${list}/{addressId}` as const;
  const one = subject.params.extend({ addressId: AddressIdParam });
  const location = (c: Parameters<Subject['url']>[0], addressId: string) => `${subject.url(c)}/addresses/${encodeURIComponent(addressId)}`;

  return new OpenAPIHono<GatewayEnv>({ defaultHook: validationHook })
    .openapi(
      createRoute({
        method: 'get', path: list, operationId: op('listAddresses'), tags,
        summary: "A page of the customer's addresses (defaults first)",
        request: { params: subject.params, query: PageQuerySchema },
        responses: { 200: json(AddressPage, 'A page of addresses'), ...problemResponses },
      }),
      async (c) => {
        const { limit, cursor } = c.req.valid('query');
        const scope = subject.cursorScope(c);
        const position = cursor === undefined ? undefined : await deps.cursors.decode(cursor, c.get('backend'), scope);
        const page = await c.get('adapter').listAddresses(subject.ref(c), { limit, position }, c.get('call'));
        return c.json(await toPage(c, deps.cursors, scope, limit, page), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post', path: list, operationId: op('createAddress'), tags,
        summary: 'Add an address',
        request: { params: subject.params, body: body(AddressCreateSchema) },
        responses: { 201: json(AddressSchema, 'Created; Location names it'), ...problemResponses },
      }),
      async (c) => {
        const adapter = c.get('adapter');
        const ref = subject.ref(c);
        const recovering = c.get('recovering');
        const input = c.req.valid('json');
        const created =
          (recovering && (await recoverAddressCreate(adapter, ref, input, c.get('call'), recovering.since))) || (await adapter.createAddress(ref, input, c.get('call')));
        c.header('Location', location(c, created.value.id));
        c.header('ETag', await etagOf(created));
        return c.json(created.value, 201);
      },
    )
    .openapi(
      createRoute({
        method: 'get', path: item, operationId: op('getAddress'), tags,
        summary: 'One address, with its ETag',
        request: { params: one },
        responses: { 200: json(AddressSchema, 'The address'), 304: { description: 'Unchanged since the If-None-Match ETag' }, ...problemResponses },
      }),
      async (c) => {
        const found = await c.get('adapter').getAddress(subject.ref(c), c.req.param('addressId') ?? '', c.get('call'));
        const etag = await etagOf(found);
        c.header('ETag', etag);
        if (notModified(c.req.header('if-none-match'), etag)) return c.body(null, 304);
        return c.json(found.value, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'patch', path: item, operationId: op('updateAddress'), tags,
        summary: 'Partial update; a new `id` renames where the backend can (Location then names the new one)',
        request: { params: one, headers: IfMatchHeader, body: body(AddressPatchSchema) },
        responses: { 200: json(AddressSchema, 'The updated address'), ...problemResponses },
      }),
      async (c) => {
        const adapter = c.get('adapter');
        const call = c.get('call');
        const addressId = c.req.param('addressId') ?? '';
        const patch = c.req.valid('json');
        const ref = subject.ref(c);
        if (patch.id !== undefined && patch.id !== addressId && !adapter.capabilities.addressRename) {
          throw new GatewayError('not_supported', `backend ${adapter.backend} cannot rename addresses; create a new one instead`, {
            errors: [{ path: 'id', message: 'cannot be changed on this backend' }],
          });
        }
        const updated = await withIfMatch(
          adapter.capabilities.etag,
          c.req.valid('header')['if-match'],
          resourceLock(c, deps, subject.key(c), addressId),
          () => adapter.getAddress(ref, addressId, call),
          (ifMatch) => adapter.updateAddress(ref, addressId, patch, { ifMatch }, call),
        );
        if (updated.value.id !== addressId) c.header('Location', location(c, updated.value.id));
        c.header('ETag', await etagOf(updated));
        return c.json(updated.value, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'delete', path: item, operationId: op('deleteAddress'), tags,
        summary: 'Delete an address; honours If-Match',
        request: { params: one, headers: IfMatchHeader },
        responses: { 204: { description: 'Deleted' }, ...problemResponses },
      }),
      async (c) => {
        const adapter = c.get('adapter');
        const call = c.get('call');
        const addressId = c.req.param('addressId') ?? '';
        const ref = subject.ref(c);
        await deleteOrRecover(Boolean(c.get('recovering')), () =>
          withIfMatch(
            false,
            c.req.valid('header')['if-match'],
            resourceLock(c, deps, subject.key(c), addressId),
            () => adapter.getAddress(ref, addressId, call),
            () => adapter.deleteAddress(ref, addressId, call),
          ),
        );
        return c.body(null, 204);
      },
    );
}
