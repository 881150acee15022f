import { createUpstreamClient, parseUpstream, readJson, type UpstreamSchema } from '../../transport/upstream-client.js';
import type { AdapterDeps, CallContext } from '../types.js';
import { BACKEND, fromErrorDocument, fromHttpStatus, type FieldContext } from './errors.js';
import type { Open2bOptions } from './options.js';
import { ErrorWire } from './upstream.js';

/** Reads are retried on 429/5xx like GETs; writes and authenticate (it moves loginTime) are not. */
const IDEMPOTENT = new Set(['commerce.customers.find', 'commerce.customers.get', 'commerce.customers.count']);

export interface Open2bClient {
  /** One RPC: POST {base}/{method}; answers the parsed `status:"ok"` document or throws GatewayError. */
  call<T>(ctx: CallContext, method: string, body: object, schema: UpstreamSchema<T>, fields?: FieldContext): Promise<T>;
}

export function createOpen2bClient(options: Open2bOptions, deps: AdapterDeps): Open2bClient {
  const http = createUpstreamClient({
    baseUrl: options.baseUrl,
    fetch: deps.fetch,
    backend: BACKEND,
    headers: { [options.keyHeader]: options.apiKey, accept: 'application/json' },
  });
  return {
    async call(ctx, method, body, schema, fields = {}) {
      const response = await http.request(ctx, 'POST', method, { json: body, idempotent: IDEMPOTENT.has(method) });
      if (response.status !== 200) {
        await response.body?.cancel().catch(() => undefined);
        throw fromHttpStatus(response, method);
      }
      const payload = await readJson(response, BACKEND);
      const failed = ErrorWire.safeParse(payload);
      if (failed.success) throw fromErrorDocument(failed.data.error, method, fields);
      return parseUpstream(schema, payload, BACKEND, `${method} answer`);
    },
  };
}
