import { describe, expect, it } from 'vitest';
import { stableJson } from '../../src/digest.js';
import { deriveEtag } from '../../src/routes/support.js';

const customer = {
  id: 'c-4711',
  email: 'jürgen.müller@example.com',
  firstName: 'Jürgen',
  lastName: 'Müller',
  phone: undefined,
  status: { active: true },
  groups: ['vip', 'b2b'],
  externalRef: null,
  custom: { zeta: 1, alpha: { nested: [3, 2, 1], ключ: 'значение', '😀': 'emoji' }, mid: 'x'.repeat(40) },
  createdAt: '2026-01-02T03:04:05.000Z',
  updatedAt: '2026-11-29T17:00:00.000Z',
  addresses: [{ id: 'a1', city: 'München' }],
};

describe('derived ETags', () => {
  // Pinned: a client's cached ETag (If-None-Match, If-Match) must stay valid across gateway upgrades.
  it('are the same values as every release before', () => {
    expect(deriveEtag(customer)).toBe('"4256ed4f17b8b2c3"');
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${(i * 7919) % 101}`, i]));
    expect(deriveEtag(many)).toBe('"8a8ba4378baca9e4"');
  });

  it('ignore addresses and key order, but not a changed field', () => {
    const { addresses: _left, ...withoutAddresses } = customer;
    const reordered = Object.fromEntries(Object.entries(customer).reverse());
    expect(deriveEtag(withoutAddresses)).toBe(deriveEtag(customer));
    expect(deriveEtag(reordered)).toBe(deriveEtag(customer));
    expect(deriveEtag({ ...customer, lastName: 'Muller' })).not.toBe(deriveEtag(customer));
    expect(deriveEtag({ ...customer, custom: { ...customer.custom, zeta: 2 } })).not.toBe(deriveEtag(customer));
  });

  it('hash documents longer than the reused buffer', () => {
    const long = { ...customer, custom: { notes: 'ü'.repeat(20_000) } };
    const longer = { ...customer, custom: { notes: `${'ü'.repeat(20_000)}!` } };
    expect(deriveEtag(long)).toMatch(/^"[0-9a-f]{16}"$/);
    expect(deriveEtag(long)).not.toBe(deriveEtag(longer));
    expect(deriveEtag(customer)).toBe('"4256ed4f17b8b2c3"'); // and short ones still hash the same
  });

  it('stableJson sorts keys at every depth, drops undefined members, and sorts long key lists too', () => {
    expect(stableJson({ b: [1, { d: 2, c: undefined, a: 'x' }], a: null })).toBe('{"a":null,"b":[1,{"a":"x","d":2}]}');
    const keys = Array.from({ length: 100 }, (_, i) => `key${(i * 37) % 100}`);
    const wide = Object.fromEntries(keys.map((k) => [k, 1]));
    expect(Object.keys(JSON.parse(stableJson(wide)))).toEqual([...keys].sort());
    // A "__proto__" member (JSON.parse makes them) is written as a member, not lost as a prototype.
    expect(stableJson(JSON.parse('{"z":1,"__proto__":{"b":2,"a":1}}'))).toBe('{"__proto__":{"a":1,"b":2},"z":1}');
  });
});
