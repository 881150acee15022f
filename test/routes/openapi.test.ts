import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { buildGateway } from '../conformance/harness.js';

const gw = buildGateway('memory', { BACKENDS: 'memory' });

describe('/openapi.json and /docs', () => {
  it('serves an OpenAPI 3.1 document that a validator accepts', async () => {
    const res = await gw.app.request('/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as any;
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('is generated from the zod schemas: every route and every canonical model is in it', async () => {
    const doc = (await (await gw.app.request('/openapi.json')).json()) as any;
    for (const path of [
      '/v1/backends',
      '/v1/customers',
      '/v1/customers/{customerId}',
      '/v1/customers/{customerId}/password',
      '/v1/customers/{customerId}/addresses',
      '/v1/customers/{customerId}/addresses/{addressId}',
    ]) {
      expect(doc.paths).toHaveProperty([path]);
      if (path !== '/v1/backends') expect(doc.paths).toHaveProperty([path.replace('/v1', '/v1/backends/{backend}')]);
    }
    for (const model of [
      'Customer',
      'CustomerCreate',
      'CustomerPatch',
      'Address',
      'AddressCreate',
      'AddressPatch',
      'Problem',
      'CustomerPage',
      'AddressPage',
    ]) {
      expect(doc.components.schemas).toHaveProperty([model]);
    }
    // Unknown fields are refused, so the document says so.
    expect(doc.components.schemas.CustomerCreate.additionalProperties).toBe(false);
    expect(doc.components.schemas.Customer.properties.gender).toBeDefined();
  });

  it('serves an interactive docs UI pointing at the document', async () => {
    const res = await gw.app.request('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const html = await res.text();
    expect(html).toContain('SwaggerUIBundle');
    expect(html).toContain('/openapi.json');
  });

  it('answers /health', async () => {
    const res = await gw.app.request('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', backends: ['memory'] });
  });
});
