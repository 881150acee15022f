/** Peer 1: the BFF a team writes by hand — Express 4 + axios with a keep-alive agent. */
import axios from 'axios';
import express from 'express';
import { Agent } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toCustomer, toScayleCreate, upstreamConfig } from './mapping.js';

const { baseUrl, root, token, port } = upstreamConfig(process.env);
const api = axios.create({
  baseURL: baseUrl,
  httpAgent: new Agent({ keepAlive: true, maxSockets: 64 }),
  headers: { 'x-access-token': token, accept: 'application/json' },
  timeout: 8_000,
});

const app = express();
app.use(express.json({ limit: '64kb' }));

app.get('/v1/customers', async (req, res, next) => {
  try {
    const { data } = await api.get(root, {
      params: { limit: Number(req.query.limit ?? 20), with: 'legacyCustomData' },
    });
    res.json({
      items: data.entities.map((c: object) => toCustomer(c, false)),
      page: { limit: Number(req.query.limit ?? 20), nextCursor: data.cursor?.next ?? null },
    });
  } catch (error) {
    next(error);
  }
});

app.get('/v1/customers/:id', async (req, res, next) => {
  try {
    const expand = req.query.expand === 'addresses';
    const { data } = await api.get(`${root}/${encodeURIComponent(req.params.id)}`, {
      params: { with: expand ? 'addresses,legacyCustomData' : 'legacyCustomData' },
    });
    res.json(toCustomer(data, expand));
  } catch (error) {
    next(error);
  }
});

app.post('/v1/customers', async (req, res, next) => {
  try {
    const body = toScayleCreate(req.body);
    if (!body) return void res.status(400).json({ title: 'email is required' });
    const { data } = await api.post(root, body);
    res.status(201).location(`/v1/customers/${data.id}`).json(toCustomer(data, true));
  } catch (error) {
    next(error);
  }
});

app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
  res.status(502).json({ title: 'upstream failed', detail: error.message });
});

const server = app.listen(port, '127.0.0.1', () =>
  console.log(JSON.stringify({ port: (server.address() as AddressInfo).port })),
);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
