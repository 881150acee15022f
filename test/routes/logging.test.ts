import { describe, expect, it } from 'vitest';
import { buildGateway } from '../conformance/harness.js';

const PASSWORD = 'Node-S3cret-Passw0rd!';

describe('logs on Node: pino JSON lines, request ids, secrets redacted', () => {
  it('never writes a password, a token or an Authorization header, but does log the request', async () => {
    const lines: string[] = [];
    const gw = buildGateway('memory', { BACKENDS: 'memory' }, lines);
    const created = await gw.call(
      'POST',
      '/v1/customers',
      {
        email: 'logged@example.com',
        lastName: 'Logged',
        password: PASSWORD,
        custom: { apiKey: 'k-123456', note: 'kept' },
      },
      { authorization: 'Bearer caller-token-987', 'x-request-id': 'log-test-1' },
    );
    expect(created.status).toBe(201);
    await gw.call('PUT', `/v1/customers/${created.body.id}/password`, {
      currentPassword: PASSWORD,
      password: `${PASSWORD}-new`,
    });

    const records = lines.map((l) => JSON.parse(l));
    const all = lines.join('\n');
    expect(all).not.toContain(PASSWORD);
    expect(all).not.toContain('caller-token-987');
    expect(all).not.toContain('k-123456');
    // The body and headers were logged, with the secrets replaced.
    const bodyLine = records.find((r) => r.msg === 'request body' && r.requestId === 'log-test-1');
    expect(bodyLine.body).toMatchObject({
      lastName: 'Logged',
      password: '[REDACTED]',
      custom: { apiKey: '[REDACTED]', note: 'kept' },
    });
    expect(records.find((r) => r.msg === 'request' && r.requestId === 'log-test-1').headers.authorization).toBe(
      '[REDACTED]',
    );
    // One access line per request, naming and timing the adapter calls it made.
    expect(records.filter((r) => r.msg === 'request completed')).toHaveLength(2);
    expect(records.find((r) => r.msg === 'request completed' && r.requestId === 'log-test-1')).toMatchObject({
      method: 'POST',
      status: 201,
      ms: expect.any(Number),
      // A registration looks for a guest with the email first (capability guestConversion).
      ops: 'listCustomers,createCustomer',
      adapterMs: expect.any(Number),
    });
    expect(records.find((r) => r.msg === 'request completed' && r.method === 'PUT')).toMatchObject({
      ops: expect.stringContaining('setPassword'),
    });
    for (const r of records) expect(r).toMatchObject({ level: expect.any(String), time: expect.any(String) });
  });
});
