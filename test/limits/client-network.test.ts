import { describe, expect, it } from 'vitest';
import { clientNetwork } from '../../src/limits/client-network.js';

describe('clientNetwork: what the brute-force budgets count as one client', () => {
  it('an IPv4 address as it is, IPv4-mapped IPv6 as that IPv4 address', () => {
    expect(clientNetwork('192.0.2.8')).toBe('192.0.2.8');
    expect(clientNetwork('::ffff:192.0.2.8')).toBe('192.0.2.8');
  });

  it('an IPv6 address as its /64, however it is written', () => {
    expect(clientNetwork('2001:db8:7:1::1')).toBe('2001:db8:7:1::/64');
    expect(clientNetwork('2001:0DB8:0007:0001:ffff:0:0:9')).toBe('2001:db8:7:1::/64');
    expect(clientNetwork('2001:db8:7:2::1')).toBe('2001:db8:7:2::/64');
    expect(clientNetwork('::1')).toBe('0:0:0:0::/64');
  });

  it('anything else as written; nothing as nothing', () => {
    expect(clientNetwork('unknown')).toBe('unknown');
    expect(clientNetwork('2001:db8::1:port')).toBe('2001:db8::1:port');
    expect(clientNetwork(undefined)).toBeUndefined();
  });
});
