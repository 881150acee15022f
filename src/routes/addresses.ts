import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { GatewayError } from '../../adapters/errors.js';
import { AddressCreateSchema, AddressPatchSchema, AddressSchema, PageQuerySchema, pageSchema } from '../../schemas/index.js';
import type { GatewayEnv } from '../context.js';
import type { GatewayDeps } from '../deps.js';
import { validationHook } from '../middleware/validation.js';
import { deleteOrRecover, recoverAddressCreate } from './recovery.js';
import { AddressIdParam, body, CustomerIdParam, customerRef, etagOf, IfMatchHeader, json, notModified, problemResponses, resourceLock, toPage, withIfMatch } from './support.js';

const AddressPage = pageSchema(AddressSchema, 'AddressPage');

/** A customer's addresses, mounted like customerRoutes. */
export function addressRoutes(deps: GatewayDeps, scoped: boolean) {
  const tag = scoped ? ['addresses (per backend)'] : ['addresses'];
  const op = (name: string) => (scoped ? `${name}OnBackend` : name);
  const ofCustomer = z.object({ customerId: CustomerIdParam });
  const one = z.object({ customerId: CustomerIdParam, addressId: AddressIdParam });
  const location = (basePath: string, customerId: string, addressId: string) =>
    `${basePath}/customers/${encodeURIComponent(customerId)}/addresses/${encodeURIComponent(addressId)}`;

  return new OpenAPIHono<GatewayEnv>({ defaultHook: validationHook })
    .openapi(
      createRoute({
        method: 'get', path: '/customers/{customerId}/addresses', operationId: op('listAddresses'), tags: tag,
        summary: "A page of the customer's addresses (defaults first)",
        request: { params: ofCustomer, query: PageQuerySchema },
        responses: { 200: json(AddressPage, 'A page of addresses'), ...problemResponses },
      }),
      async (c) => {
        const adapter = c.get('adapter');
        const { customerId } = c.req.valid('param');
        const { limit, cursor } = c.req.valid('query');
        const scope = `addresses:${customerId}`;
        const position = cursor === undefined ? undefined : await deps.cursors.decode(cursor, c.get('backend'), scope);
        const page = await adapter.listAddresses(customerRef(adapter, customerId), { limit, position }, c.get('call'));
        return c.json(await toPage(c, deps.cursors, scope, limit, page), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post', path: '/customers/{customerId}/addresses', operationId: op('createAddress'), tags: tag,
        summary: 'Add an address',
        request: { params: ofCustomer, body: body(AddressCreateSchema) },
        responses: { 201: json(AddressSchema, 'Created; Location names it'), ...problemResponses },
      }),
      async (c) => {
        const adapter = c.get('adapter');
        const { customerId } = c.req.valid('param');
        const ref = customerRef(adapter, customerId);
        const recovering = c.get('recovering');
        const input = c.req.valid('json');
        const created =
          (recovering && (await recoverAddressCreate(adapter, ref, input, c.get('call'), recovering.since))) || (await adapter.createAddress(ref, input, c.get('call')));
        c.header('Location', location(c.get('basePath'), customerId, created.value.id));
        c.header('ETag', await etagOf(created));
        return c.json(created.value, 201);
      },
    )
    .openapi(
      createRoute({
        method: 'get', path: '/customers/{customerId}/addresses/{addressId}', operationId: op('getAddress'), tags: tag,
        summary: 'One address, with its ETag',
        request: { params: one },
        responses: { 200: json(AddressSchema, 'The address'), 304: { description: 'Unchanged since the If-None-Match ETag' }, ...problemResponses },
      }),
      async (c) => {
        const adapter = c.get('adapter');
        const { customerId, addressId } = c.req.valid('param');
        const found = await adapter.getAddress(customerRef(adapter, customerId), addressId, c.get('call'));
        const etag = await etagOf(found);
        c.header('ETag', etag);
        if (notModified(c.req.header('if-none-match'), etag)) return c.body(null, 304);
        return c.json(found.value, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'patch', path: '/customers/{customerId}/addresses/{addressId}', operationId: op('updateAddress'), tags: tag,
        summary: 'Partial update; a new `id` renames where the backend can (Location then names the new one)',
        request: { params: one, headers: IfMatchHeader, body: body(AddressPatchSchema) },
        responses: { 200: json(AddressSchema, 'The updated address'), ...problemResponses },
      }),
      async (c) => {
        const adapter = c.get('adapter');
        const call = c.get('call');
        const { customerId, addressId } = c.req.valid('param');
        const patch = c.req.valid('json');
        const ref = customerRef(adapter, customerId);
        if (patch.id !== undefined && patch.id !== addressId && !adapter.capabilities.addressRename) {
          throw new GatewayError('not_supported', `backend ${adapter.backend} cannot rename addresses; create a new one instead`, {
            errors: [{ path: 'id', message: 'cannot be changed on this backend' }],
          });
        }
        const updated = await withIfMatch(
          adapter.capabilities.etag,
          c.req.valid('header')['if-match'],
          resourceLock(c, deps, customerId, addressId),
          () => adapter.getAddress(ref, addressId, call),
          (ifMatch) => adapter.updateAddress(ref, addressId, patch, { ifMatch }, call),
        );
        if (updated.value.id !== addressId) c.header('Location', location(c.get('basePath'), customerId, updated.value.id));
        c.header('ETag', await etagOf(updated));
        return c.json(updated.value, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'delete', path: '/customers/{customerId}/addresses/{addressId}', operationId: op('deleteAddress'), tags: tag,
        summary: 'Delete an address; honours If-Match',
        request: { params: one, headers: IfMatchHeader },
        responses: { 204: { description: 'Deleted' }, ...problemResponses },
      }),
      async (c) => {
        const adapter = c.get('adapter');
        const call = c.get('call');
        const { customerId, addressId } = c.req.valid('param');
        const ref = customerRef(adapter, customerId);
        await deleteOrRecover(Boolean(c.get('recovering')), () =>
          withIfMatch(
            false,
            c.req.valid('header')['if-match'],
            resourceLock(c, deps, customerId, addressId),
            () => adapter.getAddress(ref, addressId, call),
            () => adapter.deleteAddress(ref, addressId, call),
          ),
        );
        return c.body(null, 204);
      },
    );
}
