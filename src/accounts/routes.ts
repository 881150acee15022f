import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import {
  CustomerExportSchema,
  EraseCustomerSchema,
  EraseMeSchema,
  ErasureReportSchema,
  type CustomerExport,
} from '../../schemas/index.js';
import type { GatewayEnv } from '../context.js';
import type { GatewayDeps } from '../deps.js';
import { validationHook } from '../middleware/validation.js';
import { body, CustomerIdParam, customerRef, json, problem, problemResponses } from '../routes/support.js';
import { verifyCurrentPassword } from './current-password.js';
import { eraseCustomer } from './erasure.js';
import { exportCustomer } from './export.js';

const erasureResponses = {
  200: json(ErasureReportSchema, 'Erased: what, where, and what this cannot reach'),
  ...problemResponses,
  409: problem('The platform refuses to erase this customer now (e.g. open orders); nothing was erased'),
  501: problem('The backend cannot erase customers through the gateway; `detail` says what instead'),
};
const exportResponses = {
  200: json(CustomerExportSchema, 'Everything held about the customer through the gateway (schema CustomerExport)'),
  ...problemResponses,
};

/** Personal data: not to be cached anywhere, and saved as a file by a browser. */
function answerExport(c: Context<GatewayEnv>, document: CustomerExport) {
  c.header('Cache-Control', 'no-store');
  c.header(
    'Content-Disposition',
    `attachment; filename="customer-${document.customer.id.replace(/[^\w.-]/g, '_')}.json"`,
  );
  return c.json(document, 200);
}

/** DELETE /v1/me and GET /v1/me/export: the signed-in shopper's own erasure and export. */
export function meAccountRoutes(deps: GatewayDeps) {
  const shopperRef = (c: Context<GatewayEnv>) => ({ kind: 'id' as const, id: c.get('shopper').sub });
  return new OpenAPIHono<GatewayEnv>({ defaultHook: validationHook })
    .openapi(
      createRoute({
        method: 'delete',
        path: '/me',
        operationId: 'eraseMe',
        tags: ['me (shopper)'],
        summary: 'Erase my account (GDPR Art. 17); needs my current password',
        request: { body: body(EraseMeSchema) },
        responses: erasureResponses,
      }),
      async (c) => {
        const { currentPassword } = c.req.valid('json');
        const adapter = c.get('adapter');
        const ref = shopperRef(c);
        const customer = (await adapter.getCustomer(ref, { expandAddresses: false }, c.get('call'))).value;
        await verifyCurrentPassword(deps, c, customer.login ?? customer.email, currentPassword, 'erase the account');
        const report = await eraseCustomer(deps, {
          adapter,
          backend: c.get('backend'),
          ref,
          customer,
          call: c.get('call'),
          http: c,
        });
        return c.json(report, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/me/export',
        operationId: 'exportMe',
        tags: ['me (shopper)'],
        summary: 'Everything held about me, as one JSON document (GDPR Art. 15/20)',
        responses: exportResponses,
      }),
      async (c) =>
        answerExport(
          c,
          await exportCustomer(deps, {
            adapter: c.get('adapter'),
            backend: c.get('backend'),
            ref: shopperRef(c),
            call: c.get('call'),
            session: c.get('shopper').sid,
          }),
        ),
    );
}

/** POST /customers/{customerId}/erase and GET …/export, for administrators (a data-protection officer's tools). */
export function adminAccountRoutes(deps: GatewayDeps, scoped: boolean) {
  const params = z.object({ customerId: CustomerIdParam });
  const tags = [scoped ? 'customers (per backend)' : 'customers'];
  const op = (name: string) => (scoped ? `${name}OnBackend` : name);
  return new OpenAPIHono<GatewayEnv>({ defaultHook: validationHook })
    .openapi(
      createRoute({
        method: 'post',
        path: '/customers/{customerId}/erase',
        operationId: op('eraseCustomer'),
        tags,
        summary: 'Erase a customer on the platform and in the gateway (GDPR Art. 17)',
        request: { params, body: body(EraseCustomerSchema) },
        responses: erasureResponses,
      }),
      async (c) => {
        const adapter = c.get('adapter');
        const { reference } = c.req.valid('json');
        const ref = customerRef(adapter, c.req.valid('param').customerId);
        const report = await eraseCustomer(deps, {
          adapter,
          backend: c.get('backend'),
          ref,
          call: c.get('call'),
          reference,
          http: c,
        });
        return c.json(report, 200);
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/customers/{customerId}/export',
        operationId: op('exportCustomer'),
        tags,
        summary: 'Everything held about a customer, as one JSON document (GDPR Art. 15/20)',
        request: { params },
        responses: exportResponses,
      }),
      async (c) => {
        const adapter = c.get('adapter');
        const ref = customerRef(adapter, c.req.valid('param').customerId);
        return answerExport(
          c,
          await exportCustomer(deps, { adapter, backend: c.get('backend'), ref, call: c.get('call') }),
        );
      },
    );
}
