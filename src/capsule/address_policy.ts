/**
 * Which IP addresses a capsule's `http-request` may reach. Invariant: only
 * public unicast addresses; every private, loopback, link-local, shared
 * (CGNAT), multicast, documentation, benchmarking and reserved block is
 * refused, and so are IPv6 forms that embed an IPv4 address (mapped,
 * compatible, NAT64, 6to4, Teredo), since the embedded address could be any
 * of those. Cloud metadata endpoints (169.254.169.254, fd00:ec2::254,
 * 100.100.100.200) fall in refused blocks.
 *
 * Blocks: RFC 6890 special-purpose registries (IPv4 and IPv6), RFC 6598
 * (100.64.0.0/10), RFC 4193 (fc00::/7), RFC 4291 (fe80::/10, ff00::/8).
 *
 * @module
 */

/** A parsed address: 4 or 16 bytes. */
export interface IpAddress {
  readonly family: 4 | 6;
  readonly bytes: Uint8Array;
}

/** A CIDR block with the reason it is refused. */
interface Block {
  readonly cidr: string;
  readonly why: string;
}

const V4_BLOCKS: readonly Block[] = [
  { cidr: "0.0.0.0/8", why: '"this network" (0.0.0.0/8)' },
  { cidr: "10.0.0.0/8", why: "private (10.0.0.0/8)" },
  { cidr: "100.64.0.0/10", why: "shared address space / CGNAT (100.64.0.0/10)" },
  { cidr: "127.0.0.0/8", why: "loopback (127.0.0.0/8)" },
  { cidr: "169.254.0.0/16", why: "link-local, cloud metadata (169.254.0.0/16)" },
  { cidr: "172.16.0.0/12", why: "private (172.16.0.0/12)" },
  { cidr: "192.0.0.0/24", why: "IETF protocol assignments (192.0.0.0/24)" },
  { cidr: "192.0.2.0/24", why: "documentation (192.0.2.0/24)" },
  { cidr: "192.88.99.0/24", why: "6to4 relay anycast (192.88.99.0/24)" },
  { cidr: "192.168.0.0/16", why: "private (192.168.0.0/16)" },
  { cidr: "198.18.0.0/15", why: "benchmarking (198.18.0.0/15)" },
  { cidr: "198.51.100.0/24", why: "documentation (198.51.100.0/24)" },
  { cidr: "203.0.113.0/24", why: "documentation (203.0.113.0/24)" },
  { cidr: "224.0.0.0/4", why: "multicast (224.0.0.0/4)" },
  { cidr: "240.0.0.0/4", why: "reserved or broadcast (240.0.0.0/4)" },
];

const V6_BLOCKS: readonly Block[] = [
  { cidr: "::/96", why: "unspecified, loopback or IPv4-compatible (::/96)" },
  { cidr: "::ffff:0:0/96", why: "IPv4-mapped (::ffff:0:0/96)" },
  { cidr: "64:ff9b::/96", why: "NAT64, embeds an IPv4 address (64:ff9b::/96)" },
  { cidr: "64:ff9b:1::/48", why: "local NAT64 (64:ff9b:1::/48)" },
  { cidr: "100::/64", why: "discard-only (100::/64)" },
  { cidr: "2001::/23", why: "IETF protocol assignments, Teredo (2001::/23)" },
  { cidr: "2001:db8::/32", why: "documentation (2001:db8::/32)" },
  { cidr: "2002::/16", why: "6to4, embeds an IPv4 address (2002::/16)" },
  { cidr: "fc00::/7", why: "unique local, private (fc00::/7)" },
  { cidr: "fe80::/10", why: "link-local (fe80::/10)" },
  { cidr: "fec0::/10", why: "site-local (fec0::/10)" },
  { cidr: "ff00::/8", why: "multicast (ff00::/8)" },
];

/** Parse a dotted IPv4 or an IPv6 address (brackets allowed); `null` if it is neither. */
export function parseIp(text: string): IpAddress | null {
  const t = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  const v4 = parseV4(t);
  if (v4) return { family: 4, bytes: v4 };
  const v6 = parseV6(t);
  return v6 ? { family: 6, bytes: v6 } : null;
}

function parseV4(t: string): Uint8Array | null {
  const parts = t.split(".");
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^(0|[1-9]\d{0,2})$/.test(p) || Number(p) > 255) return null;
    out[i] = Number(p);
  }
  return out;
}

function parseV6(t: string): Uint8Array | null {
  if (!/^[0-9a-fA-F:.]+$/.test(t) || t.length > 45) return null;
  const halves = t.split("::");
  if (halves.length > 2) return null;
  const words = (s: string): number[] | null => {
    if (s === "") return [];
    const out: number[] = [];
    const parts = s.split(":");
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (i === parts.length - 1 && p.includes(".")) {
        const v4 = parseV4(p);
        if (!v4) return null;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) out.push(parseInt(p, 16));
      else return null;
    }
    return out;
  };
  const head = words(halves[0]!);
  const tail = halves.length === 2 ? words(halves[1]!) : [];
  if (!head || !tail) return null;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return null;
  const all = [...head, ...new Array<number>(missing).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

/** Whether `ip` lies in `cidr` (same family). */
export function inCidr(ip: IpAddress, cidr: string): boolean {
  const [base, bitsText] = cidr.split("/");
  const net = parseIp(base!);
  if (!net || net.family !== ip.family) return false;
  const bits = Number(bitsText ?? (ip.family === 4 ? 32 : 128));
  for (let i = 0; i < ip.bytes.length && bits > i * 8; i++) {
    const take = Math.min(8, bits - i * 8);
    const mask = (0xff << (8 - take)) & 0xff;
    if ((ip.bytes[i]! & mask) !== (net.bytes[i]! & mask)) return false;
  }
  return true;
}

/**
 * Addresses to let through although they are in a refused block. Only for
 * tests that must stand in a loopback server for a public one; production
 * passes none.
 */
export interface AddressPolicy {
  readonly allowCidrs: readonly string[];
}

/** No exceptions. */
export const STRICT_ADDRESS_POLICY: AddressPolicy = Object.freeze({ allowCidrs: [] });

/** Why `address` may not be reached, or `undefined` if it may. */
export function forbiddenAddressReason(
  address: string,
  policy: AddressPolicy = STRICT_ADDRESS_POLICY,
): string | undefined {
  const ip = parseIp(address);
  if (!ip) return `"${address}" is not an IP address`;
  if (policy.allowCidrs.some((c) => inCidr(ip, c))) return undefined;
  const block = (ip.family === 4 ? V4_BLOCKS : V6_BLOCKS).find((b) => inCidr(ip, b.cidr));
  return block ? `${address} is ${block.why}` : undefined;
}
