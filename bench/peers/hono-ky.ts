/**
 * The floor of the gateway's own stack, for `bench/side-by-side.ts`: Hono on @hono/node-server,
 * ky over the gateway's Node upstream fetch, the same mapping as the other peers, and nothing
 * else (no validation, no logs, no ETag, no deadlines). GET one customer only.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import ky from 'ky';
import { createUpstreamFetch } from '../../transport/node-fetch.js';
import { toCustomer, upstreamConfig } from './mapping.js';

const { baseUrl, root, token, port } = upstreamConfig(process.env);
const api = ky.create({
  prefixUrl: `${baseUrl}${root}`,
  fetch: createUpstreamFetch().fetch,
  headers: { 'x-access-token': token, accept: 'application/json' },
});
const app = new Hono()
  .get('/health', (c) => c.json({ status: 'ok' }))
  .get('/v1/customers/:id', async (c) =>
    c.json(
      toCustomer(
        await api(`${c.req.param('id')}?with=addresses`).json<Record<string, any>>(),
        c.req.query('expand') === 'addresses',
      ),
    ),
  );
const server = serve({ fetch: app.fetch, port });
process.on('SIGTERM', () => server.close(() => process.exit(0)));
