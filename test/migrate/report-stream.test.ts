import { describe, expect, it } from 'vitest';
import {
  migrateCustomers,
  reportCustomerLine,
  reportJson,
  reportJsonFrame,
  summaryLines,
  type CustomerReport,
} from '../../migrate/lib/index.js';
import { testContext } from '../adapters/support.js';
import { emptyTarget, rejectingEmail, seededSource } from './support.js';

const { ctx } = testContext();

describe('per-customer outcomes streamed instead of held (a long run stays flat in memory)', () => {
  it('keeps only the outcomes keepCustomer chooses, hands every one to onCustomer, and the framed report equals the in-memory one', async () => {
    const streamed: CustomerReport[] = [];
    const lean = await migrateCustomers({
      source: await seededSource(),
      target: rejectingEmail(emptyTarget(), 'giulia@example.it'),
      ctx,
      batchSize: 2,
      keepCustomer: (c) => c.outcome === 'failed',
      onCustomer: (c) => streamed.push(c),
    });
    expect(lean.counts).toMatchObject({ read: 5, created: 4, failed: 1 });
    expect(lean.customers.map((c) => c.email)).toEqual(['giulia@example.it']);
    expect(streamed).toHaveLength(5);
    expect(streamed.filter((c) => c.outcome === 'created')).toHaveLength(4);
    // The summary needs only the failures, which are kept.
    expect(summaryLines(lean).join('\n')).toMatch(/failed .* <giulia@example\.it> at create: validation_failed/);

    const secret = 'sekret-token-123';
    const { head, tail } = reportJsonFrame(lean, [secret]);
    const framed = `${head}${streamed.map((c) => reportCustomerLine(c, [secret])).join(',\n')}${tail}`;
    expect(JSON.parse(framed)).toEqual(JSON.parse(reportJson({ ...lean, customers: streamed }, [secret])));
    expect(JSON.parse(framed).customers.map((c: CustomerReport) => c.email)).toEqual(streamed.map((c) => c.email));
  });

  it('without keepCustomer every outcome stays in the result, as before', async () => {
    const result = await migrateCustomers({ source: await seededSource(), target: emptyTarget(), ctx });
    expect(result.customers).toHaveLength(5);
  });
});
