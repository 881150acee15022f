import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { isGatewayError } from '../../adapters/errors.js';
import type { Versioned } from '../../adapters/types.js';
import { capable } from '../../adapters/unsupported.js';
import {
  type Customer,
  CustomerCreateSchema,
  CustomerPatchSchema,
  CustomerSchema,
  DateTime,
  Email,
  PageQuerySchema,
  PasswordChangeSchema,
  pageSchema,
} from '../../schemas/index.js';
import type { GatewayEnv } from '../context.js';
import type { GatewayDeps } from '../deps.js';
import { outlastingDeadline } from '../idempotency/settle.js';
import { validationHook } from '../middleware/validation.js';
import { registerCustomer } from '../accounts/registration.js';
import { answerCreated, answerPage, conditionalDelete, createdResponse, deleteRoute } from './handlers.js';
import { conversionEvents, customerCreated, emit } from '../events/emit.js';
import { changedPaths } from '../events/model.js';
import { endAccess } from '../accounts/access.js';
import { profileRoutes } from './profile.js';
import { forgetDeleteNote, idBeforeDelete, recoverCustomerCreate } from './recovery.js';
import { adminSubject } from './subject.js';
import {
  body,
  CustomerIdParam,
  customerRef,
  etagScope,
  json,
  nativeId,
  problemResponses,
  resourceLock,
} from './support.js';

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
        method: 'get',
        path: '/customers',
        operationId: op('listCustomers'),
        tags: tag,
        summary: 'A page of customers',
        request: {
          query: PageQuerySchema.extend({
            email: Email.optional(),
            externalRef: z.string().min(1).max(256).optional(),
            updatedSince: DateTime.optional(),
            // Ignored, it would answer customers without the addresses asked for (as if they had
            // none). Refused by name instead, as the single read refuses what it cannot expand.
            expand: z
              .string()
              .refine(() => false, 'the list does not expand: read each customer with ?expand=addresses')
              .optional()
              .openapi({ description: 'Not taken here: the list answers customers without their addresses.' }),
          }),
        },
        responses: { 200: json(CustomerPage, 'A page of customers'), ...problemResponses },
      }),
      async (c) => {
        const { limit, cursor, email, externalRef, updatedSince } = c.req.valid('query');
        const scope = `customers?${new URLSearchParams(Object.entries({ email, externalRef, updatedSince }).filter((e): e is [string, string] => e[1] !== undefined))}`;
        const list = capable(c.get('adapter'), 'listCustomers');
        return answerPage(c, deps.cursors, scope, { limit, cursor }, (position) =>
          list({ limit, position, email, externalRef, updatedSince }, c.get('call')),
        );
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/customers',
        operationId: op('createCustomer'),
        tags: tag,
        summary: 'Register a customer (optionally with addresses and a password)',
        request: { body: body(CustomerCreateSchema) },
        responses: {
          200: json(
            CustomerSchema,
            'A guest customer with this email became the registered customer (same id; capability guestConversion); Location names it',
          ),
          201: json(CustomerSchema, 'Created; Location names it'),
          ...problemResponses,
        },
      }),
      async (c) => {
        const adapter = c.get('adapter');
        const recovering = c.get('recovering');
        const input = c.req.valid('json');
        const location = (created: Versioned<Customer>) =>
          `${c.get('basePath')}/customers/${encodeURIComponent(created.value.id)}`;
        // Registration converts a guest with the same email where the platform can (200), else creates (201).
        // Its events are recorded by the create itself, so one that outlives the deadline still has them.
        const { addresses: _a, password: _p, email: _e, ...profile } = input;
        const { customer, converted } = await outlastingDeadline(
          c,
          async (call) => {
            const recovered = recovering && (await recoverCustomerCreate(adapter, input, call, recovering.since));
            const registration = recovered
              ? { customer: recovered, converted: false }
              : await registerCustomer(adapter, input, call).catch(async (error: unknown) => {
                  // The customer exists although a later step (an address) failed: it was created (or a
                  // guest converted) all the same.
                  // (A converted guest's event names what the registration set, some of which the
                  // failed step may not have written: consumers read the customer anyway.)
                  const created = isGatewayError(error) ? error.created : undefined;
                  const customerId = created?.customerId;
                  if (typeof customerId === 'string')
                    await emit(deps.events, c, () => [
                      created?.convertedGuest
                        ? {
                            type: 'customer.updated',
                            backend: c.get('backend'),
                            customerId,
                            changed: changedPaths({ ...profile, status: { guest: false } }),
                          }
                        : { type: 'customer.created', backend: c.get('backend'), customerId },
                    ]);
                  throw error;
                });
            await emit(deps.events, c, () =>
              registration.conversion
                ? conversionEvents(c.get('backend'), registration.customer.value, registration.conversion, input)
                : customerCreated(c.get('backend'), registration.customer.value),
            );
            return registration;
          },
          (late) => createdResponse(location(late.customer), late.customer, etagScope(c), late.converted ? 200 : 201),
        );
        return answerCreated(c, location(customer), customer, converted ? 200 : 201);
      },
    )
    .openapi(
      deleteRoute('/customers/{customerId}', op('deleteCustomer'), tag, 'Delete a customer; honours If-Match', one),
      async (c) => {
        const adapter = c.get('adapter'),
          call = c.get('call');
        const { customerId } = c.req.valid('param');
        const deleteCustomer = capable(adapter, 'customerDelete');
        const ref = customerRef(adapter, customerId);
        // The customer's shopper sessions end with it. They are keyed by the native id: resolve a
        // ref: before the delete (after it, nothing can); unknown, the delete answers 404 itself.
        const id = await idBeforeDelete(c, deps.store, ref);
        const answer = await conditionalDelete(
          c,
          resourceLock(c, deps, customerId),
          () => adapter.getCustomer(ref, { expandAddresses: false }, call),
          () => deleteCustomer(ref, call),
        );
        c.set('writeApplied', true);
        if (id !== undefined) await endAccess(deps, c.get('backend'), id, { closed: true });
        await emit(deps.events, c, () =>
          id === undefined ? [] : [{ type: 'customer.deleted', backend: c.get('backend'), customerId: id }],
        );
        await forgetDeleteNote(c, deps.store, ref);
        return answer;
      },
    )
    .route(
      '/',
      profileRoutes(
        deps,
        subject,
        {
          schema: CustomerPatchSchema,
          // A customer an administrator deactivates (a closed or compromised account) cannot sign in
          // any more; their open sessions end too, instead of refreshing for up to 30 days.
          afterUpdate: async (c, customer) => {
            if (!customer.status.active) await endAccess(deps, c.get('backend'), customer.id, { closed: true });
          },
        },
        {
          schema: PasswordChangeSchema,
          summary: "Set or change the password; the customer's shopper sessions end",
          // A password set by an administrator (a reset, a compromised account) ends every session.
          afterChange: async (c) => {
            await endAccess(deps, c.get('backend'), await nativeId(c, subject.ref(c)));
          },
        },
      ),
    );
}
