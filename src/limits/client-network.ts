/**
 * A client address as the brute-force budgets count it (sign-in, password reset, the caller limit
 * on /v1/auth/*): an IPv4 address as it is, an IPv6 one as its /64. A provider gives each customer
 * line a whole /64, so a client that takes a new address within it for every try would otherwise
 * get a fresh budget each time. IPv4-mapped IPv6 (`::ffff:192.0.2.1`, Node's dual-stack sockets)
 * counts as the IPv4 address; what is not an address (a header's odd value) counts as written.
 *
 * The WHATWG URL parser (Node and Workers alike) checks and canonicalises the IPv6 address: an
 * address library would cost the Worker bundle ~4.5 KiB gzip, past its 250 KiB budget.
 */
export function clientNetwork(address: string | undefined): string | undefined {
  if (address === undefined || !address.includes(':')) return address;
  const groups = ipv6Groups(address);
  if (!groups) return address;
  if (groups.slice(0, 6).join(':') === '0:0:0:0:0:ffff') {
    const [high, low] = [Number.parseInt(groups[6]!, 16), Number.parseInt(groups[7]!, 16)];
    return [high >> 8, high & 255, low >> 8, low & 255].join('.');
  }
  return `${groups.slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address, in lower-case hex without leading zeros; undefined if it is none. */
function ipv6Groups(address: string): string[] | undefined {
  let host: string;
  try {
    host = new URL(`http://[${address}]/`).hostname;
  } catch {
    return undefined;
  }
  // Canonical form (RFC 5952, as URL writes it): at most one "::", no dotted tail.
  const [left = '', right] = host.slice(1, -1).split('::');
  const head = left ? left.split(':') : [];
  const tail = right ? right.split(':') : [];
  if (right === undefined) return head;
  return [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail];
}
