import ipaddr from 'ipaddr.js';

export type ParsedCidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/**
 * Normalises "203.0.113.7", "203.0.113.0/24", "2001:db8::/32" to canonical CIDR text.
 * Returns null for anything else, including host bits set beyond the prefix ("10.0.0.1/8"),
 * which is almost always a typo for a narrower range.
 */
export function normalizeCidr(input: string): string | null {
  const text = input.trim();
  if (text.length === 0 || text.length > 64) return null;
  try {
    if (!text.includes('/')) {
      const address = ipaddr.parse(text);
      if (!ipaddr.isValid(text)) return null;
      return `${address.toNormalizedString()}/${address.kind() === 'ipv4' ? 32 : 128}`;
    }
    const [address, bits] = ipaddr.parseCIDR(text);
    const network =
      address.kind() === 'ipv4'
        ? ipaddr.IPv4.networkAddressFromCIDR(text)
        : ipaddr.IPv6.networkAddressFromCIDR(text);
    if (network.toNormalizedString() !== address.toNormalizedString()) return null;
    return `${address.toNormalizedString()}/${bits}`;
  } catch {
    return null;
  }
}

export function parseCidrs(cidrs: readonly string[]): ParsedCidr[] {
  return cidrs.map((cidr) => ipaddr.parseCIDR(cidr) as ParsedCidr);
}

/** True when the address (as Express reports it, IPv4-mapped IPv6 included) is inside any range. */
export function ipAllowed(ip: string | undefined, ranges: readonly ParsedCidr[]): boolean {
  if (ranges.length === 0) return true;
  if (!ip) return false;
  let address: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    address = ipaddr.process(ip);
  } catch {
    return false;
  }
  for (const [network, bits] of ranges) {
    if (network.kind() === address.kind() && address.match([network, bits] as never)) return true;
  }
  return false;
}
