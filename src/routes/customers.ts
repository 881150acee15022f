import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import {
  CustomerCreateSchema,
  CustomerSchema,
  DateTime,
  Email,
  PageQuerySchema,
  PasswordChangeSchema,
  pageSchema,
} from '../../schemas/index.js';
import type { GatewayEnv } from '../context.js';
import type { GatewayDeps } from '../deps.js';
import { validationHook } from '../middleware/validation.js';
import { profileRoutes } from './profile.js';
import { deleteOrRecover, recoverCustomerCreate } from './recovery.js';
import { adminSubject } from './subject.js';
import { body, CustomerIdParam, customerRef, etagOf, IfMatchHeader, json, problemResponses, resourceLock, toPage, withIfMatch } from './support.js';

const CustomerPage = pageSchema(CustomerSchema, 'CustomerPage');

/**
 * Customer routes, mounted at /v1 (default backend) and /v1/backends/{backend}; `scoped` only
 * names the operations and tags of the second mount apart in the OpenAPI document.
 */
export function customerRoutes(deps: GatewayDeps, scoped: boolean) {
  const tag = scoped ? ['customers (per backend)'] : ['customers'];
  const op = (name: string) => (scoped ? `${name}OnBackend` : name);
  const one = z.object({ customerId: CustomerIdParam });
  const subject = adminSubject(scoped, 'customers');

  return new OpenAPIHono<GatewayEnv>({ defaultHook: validationHook })
    .openapi(
      createRoute({
        method: 'get', path: '/customers', operationId: op('listCustomers'), tags: tag,
        summary: 'A page of customers',
        request: {
          query: PageQuerySchema.extend({ email: Email.optional(), externalRef: z.string().min(1).max(256).optional(), updatedSince: DateTime.optional() }),
        },
        responses: { 200: json(CustomerPage, 'A page of customers'), ...problemResponses },
      }),
      async (c) => {
        const { limit, cursor, email, externalRef, updatedSince } = c.req.valid('query');
        const scope = `customers?${new URLSearchParams(Object.entries({ email, externalRef, updatedSince }).filter((e): e is [string, string] => e[1] !== undefined))}`;
        const position = cursor === undefined ? undefined : await deps.cursors.decode(cursor, c.get('backend'), scope);
        const page = await c.get('adapter').listCustomers({ limit, position, email, externalRef, updatedSince }, c.get('call'));
        return c.json(await toPage(c, deps.cursors, scope, limit, page), 200);
      },
    )
    .openapi(
      createRoute({
        method: 'post', path: '/customers', operationId: op('createCustomer'), tags: tag,
        summary: 'Register a customer (optionally with addresses and a password)',
        request: { body: body(CustomerCreateSchema) },
        responses: { 201: json(CustomerSchema, 'Created; Location names it'), ...problemResponses },
      }),
      async (c) => {
        const adapter = c.get('adapter');
        const recovering = c.get('recovering');
        const input = c.req.valid('json');
        const created =
          (recovering && (await recoverCustomerCreate(adapter, input, c.get('call'), recovering.since))) || (await adapter.createCustomer(input, c.get('call')));
        c.header('Location', `${c.get('basePath')}/customers/${encodeURIComponent(created.value.id)}`);
        c.header('ETag', await etagOf(created));
        return c.json(created.value, 201);
      },
    )
    .openapi(
      createRoute({
        method: 'delete', path: '/customers/{customerId}', operationId: op('deleteCustomer'), tags: tag,
        summary: 'Delete a customer; honours If-Match',
        request: { params: one, headers: IfMatchHeader },
        responses: { 204: { description: 'Deleted' }, ...problemResponses },
      }),
      async (c) => {
        const adapter = c.get('adapter');
        const call = c.get('call');
        const ref = customerRef(adapter, c.req.valid('param').customerId);
        await deleteOrRecover(Boolean(c.get('recovering')), () =>
          withIfMatch(
            false,
            c.req.valid('header')['if-match'],
            resourceLock(c, deps, c.req.valid('param').customerId),
            () => adapter.getCustomer(ref, { expandAddresses: false }, call),
            () => adapter.deleteCustomer(ref, call),
          ),
        );
        return c.body(null, 204);
      },
    )
    .route('/', profileRoutes(deps, subject, {
      schema: PasswordChangeSchema,
      summary: "Set or change the password; the customer's shopper sessions end",
      // A password set by an administrator (a reset, a compromised account) ends every session.
      afterChange: async (c) => {
        const ref = subject.ref(c);
        const id = ref.kind === 'id' ? ref.id : (await c.get('adapter').getCustomer(ref, { expandAddresses: false }, c.get('call'))).value.id;
        await deps.sessions.endSessions(c.get('backend'), id);
      },
    }));
}
