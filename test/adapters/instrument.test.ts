import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../adapters/errors.js';
import { instrumentAdapter } from '../../adapters/instrument.js';
import { createMemoryAdapter } from '../../adapters/memory/index.js';
import type { Log } from '../../adapters/types.js';
import { buildGateway } from '../conformance/harness.js';
import { testContext } from './support.js';

function recordingLog(records: Array<Record<string, unknown>>): Log {
  const log: Log = {
    debug: (o, msg) => void records.push({ level: 'debug', msg, ...o }),
    info: (o, msg) => void records.push({ level: 'info', msg, ...o }),
    warn: (o, msg) => void records.push({ level: 'warn', msg, ...o }),
    error: (o, msg) => void records.push({ level: 'error', msg, ...o }),
    child: () => log,
  };
  return log;
}

describe('instrumented adapters', () => {
  it('time every call and pass GatewayErrors through unchanged', async () => {
    const records: Array<Record<string, unknown>> = [];
    const adapter = instrumentAdapter(createMemoryAdapter());
    const { ctx } = testContext();
    ctx.log = recordingLog(records);
    await adapter.listCustomers!({ limit: 5 }, ctx);
    const missing = await adapter
      .getCustomer({ kind: 'id', id: 'nope' }, { expandAddresses: false }, ctx)
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(GatewayError);
    expect((missing as GatewayError).code).toBe('not_found');
    expect(records).toEqual([
      expect.objectContaining({ op: 'listCustomers', outcome: 'ok', ms: expect.any(Number) }),
      expect.objectContaining({ op: 'getCustomer', outcome: 'not_found', level: 'info' }),
    ]);
  });

  it('turn an unexpected throw into a 500 `internal` problem that hides the message, and log it', async () => {
    const lines: string[] = [];
    const gw = buildGateway('memory', { BACKENDS: 'memory' }, lines);
    const raw = gw.deps.backends.get('memory')!;
    // Reach behind the wrapper: make the inner adapter fail like a bug would.
    const inner = createMemoryAdapter();
    inner.getCustomer = async () => {
      throw new TypeError("Cannot read properties of undefined (reading 'secretThing')");
    };
    gw.deps.backends.set('memory', instrumentAdapter(inner));
    try {
      const res = await gw.call('GET', '/v1/customers/00001');
      expect(res.status).toBe(500);
      expect(res.body).toMatchObject({ code: 'internal', status: 500 });
      expect(JSON.stringify(res.body)).not.toContain('secretThing');
      const failure = lines.map((l) => JSON.parse(l)).find((r) => r.msg === 'adapter call failed');
      expect(failure).toMatchObject({
        level: 'error',
        op: 'getCustomer',
        outcome: 'internal',
        err: { name: 'TypeError' },
      });
    } finally {
      gw.deps.backends.set('memory', raw);
    }
  });
});
