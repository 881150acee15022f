import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { GatewayError } from '../../adapters/errors.js';
import {
  compact,
  describeRef,
  FieldErrors,
  notAPosition,
  offsetPage,
  parsePosition,
  withCreated,
} from '../../adapters/support.js';
import { failure } from './support.js';

describe('adapter support helpers', () => {
  it('compact drops undefined but keeps null, false and empty strings', () => {
    expect(compact({ a: undefined, b: null, c: false, d: '' })).toEqual({ b: null, c: false, d: '' });
    expect(Object.keys(compact({ a: undefined, b: 1 }))).toEqual(['b']);
  });

  it('describeRef reads as the caller wrote the path', () => {
    expect(describeRef({ kind: 'id', id: '12' })).toBe('12');
    expect(describeRef({ kind: 'externalRef', externalRef: 'crm-1' })).toBe('ref:crm-1');
  });

  it('a position the list cannot have is a 400 on query.cursor', async () => {
    expect(parsePosition(z.int(), undefined, 'x')).toBeUndefined();
    expect(parsePosition(z.int(), 3, 'x')).toBe(3);
    const error = await failure(Promise.resolve().then(() => parsePosition(z.int(), 'nope', 'x')));
    expect(error.code).toBe('validation_failed');
    expect(error.errors).toEqual([{ path: 'query.cursor', message: 'not a position of this list' }]);
    expect(notAPosition('x').message).toContain('x list');
  });

  it('offsetPage pages a whole list and says where the next page starts', () => {
    expect(offsetPage([1, 2, 3], 2, undefined, 'x')).toEqual({ items: [1, 2], next: 2, total: 3 });
    expect(offsetPage([1, 2, 3], 2, 2, 'x')).toEqual({ items: [3], next: null, total: 3 });
    expect(() => offsetPage([1], 1, -1, 'x')).toThrow(GatewayError);
  });

  it('withCreated keeps the code and upstream of the failed step and names what exists', () => {
    const step = new GatewayError('rate_limited', 'slow down', { retryAfter: 3, upstream: { status: 429 } });
    const error = withCreated(step, { customerId: '7' }, 'creating address 0');
    expect(error).toMatchObject({
      code: 'rate_limited',
      retryAfter: 3,
      upstream: { status: 429 },
      created: { customerId: '7' },
    });
    expect(error.message).toContain('creating address 0');
    expect(withCreated(new Error('bug'), { customerId: '7' }, 'x')).toMatchObject({
      code: 'internal',
      created: { customerId: '7' },
    });
  });

  it('FieldErrors names every refused field at once, and nothing when all is storable', async () => {
    const errors = new FieldErrors('demo');
    errors.throwIfAny();
    errors.unsupported({ a: 1, b: null, c: undefined, d: 'x' }, { a: 'no a', b: 'no b', c: 'no c' }, 'addresses.0.');
    errors.add('d', 'too long');
    const error = await failure(Promise.resolve().then(() => errors.throwIfAny()));
    expect(error.code).toBe('validation_failed');
    expect(error.errors).toEqual([
      { path: 'addresses.0.a', message: 'no a' },
      { path: 'd', message: 'too long' },
    ]);
    expect(error.message).toMatch(/^demo cannot store this: addresses\.0\.a: no a; d: too long$/);
  });
});
