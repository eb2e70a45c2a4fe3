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
  const [addressText = '', bitsText, ...rest] = text.split('/');
  if (rest.length > 0 || (bitsText !== undefined && !/^\d{1,3}$/.test(bitsText))) return null;
  // ipaddr.js also reads "010.0.0.1" (octal), "10.1" and "167772160" as IPv4: an admin who
  // types those almost never means the network they denote, so only dotted quads count.
  const isIPv4 = ipaddr.IPv4.isValidFourPartDecimal(addressText);
  if (!isIPv4 && !(addressText.includes(':') && ipaddr.IPv6.isValid(addressText))) return null;
  let address: ipaddr.IPv4 | ipaddr.IPv6 = ipaddr.parse(addressText);
  let bits = bitsText === undefined ? (isIPv4 ? 32 : 128) : Number(bitsText);
  if (bits > (isIPv4 ? 32 : 128)) return null;
  // Clients on IPv4-mapped addresses are matched as IPv4, so an IPv4-mapped range is stored as the IPv4 range it means.
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    if (bits < 96) return null;
    address = (address as ipaddr.IPv6).toIPv4Address();
    bits -= 96;
  }
  const cidr = `${address.toNormalizedString()}/${bits}`;
  const network = address.kind() === 'ipv4' ? ipaddr.IPv4.networkAddressFromCIDR(cidr) : ipaddr.IPv6.networkAddressFromCIDR(cidr);
  if (network.toNormalizedString() !== address.toNormalizedString()) return null;
  return cidr;
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
