/**
 * Host rules (`denied_hosts`, `allowed_hosts`): `example.com`,
 * `*.example.com`, `example.com:8080`, `*:25`, `10.0.0.*`, `[::1]:*`.
 *
 * Semantics, chosen so a rule means what a reader expects:
 * - Names are compared case-insensitively, without a trailing dot
 *   (`EXAMPLE.com.` is `example.com`).
 * - A leading `*.` matches one or more labels: `*.example.com` covers
 *   `a.example.com` and `a.b.example.com`, never `example.com` itself and never
 *   `example.com.evil.com`. Elsewhere `*` stays inside one label.
 * - A lone `*` (or `**`) is any host. Without `:port` a rule covers every port.
 * - Hosts are normalized with the WHATWG URL host parser before matching, so
 *   `0x7f.1`, `2130706433`, `[::ffff:127.0.0.1]` and `127.0.0.1` are one host,
 *   and IPv6 is compressed.
 *   A host the parser rejects (or that carries `/`, `@`, spaces, ...) is invalid
 *   and the policy denies it.
 *
 * @module
 */

import { compileGlob } from "../glob.ts";

/** A compiled host rule. */
export interface HostPattern {
  readonly pattern: string;
  /** `undefined` means any port. */
  readonly port: number | undefined;
  /** True when the normalized `host` (see {@link normalizeHost}) and `port` match. */
  matches(host: string, port: number): boolean;
}

const FORBIDDEN = /[\s/\\?#@\0]/;
const GLOB_META = /[*?[\]{}]/;

/** The canonical form of `host`, or `undefined` when it is not a valid host name or address. */
export function normalizeHost(host: string): string | undefined {
  if (host.length === 0 || FORBIDDEN.test(host)) return undefined;
  let h = host;
  if (h.startsWith("[") && h.endsWith("]")) h = h.slice(1, -1);
  const ipv6 = h.includes(":");
  if (ipv6 && (h.includes("[") || h.includes("]"))) return undefined;
  let parsed: string;
  try {
    parsed = new URL(ipv6 ? `http://[${h}]/` : `http://${h}/`).hostname;
  } catch {
    return undefined;
  }
  if (ipv6) return unmapIpv4(parsed.slice(1, -1));
  parsed = parsed.replace(/\.+$/, "");
  return parsed.length === 0 || parsed.includes("..") ? undefined : parsed;
}

/** `::ffff:7f00:1` (an IPv4-mapped IPv6 address) is `127.0.0.1` on the wire. */
function unmapIpv4(ip: string): string {
  const m = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(ip);
  if (!m) return ip;
  const hi = parseInt(m[1]!, 16);
  const lo = parseInt(m[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/**
 * Compile one rule. Throws `SyntaxError` quoting the pattern for a bad port,
 * an unclosed `[`, or a glob that does not compile.
 */
export function compileHostPattern(pattern: string): HostPattern {
  const { host, port, bracketed } = splitPort(pattern);
  if (host === "*" || host === "**") {
    return { pattern, port, matches: (_h, p) => port === undefined || p === port };
  }
  if (bracketed || !GLOB_META.test(host)) {
    const literal = normalizeHost(host);
    if (literal === undefined) {
      throw new SyntaxError(`Cannot parse host rule "${pattern}": "${host}" is not a host name`);
    }
    return {
      pattern,
      port,
      matches: (h, p) => h === literal && (port === undefined || p === port),
    };
  }
  const lower = host.toLowerCase().replace(/\.+$/, "");
  let regexp: RegExp;
  if (lower.startsWith("*.")) {
    const rest = compileGlob(lower.slice(2), { separator: ".", caseInsensitive: true });
    // One or more whole labels in front of the rest.
    regexp = new RegExp(`^(?:[^.]+\\.)+${rest.regexp.source.slice(1)}`, "iu");
  } else {
    regexp = compileGlob(lower, { separator: ".", caseInsensitive: true }).regexp;
  }
  return {
    pattern,
    port,
    matches: (h, p) => regexp.test(h) && (port === undefined || p === port),
  };
}

function splitPort(
  pattern: string,
): { host: string; port: number | undefined; bracketed: boolean } {
  const fail = (why: string): never => {
    throw new SyntaxError(`Cannot parse host rule "${pattern}": ${why}`);
  };
  if (pattern.length === 0) fail("expected a host name");
  let host = pattern;
  let portText: string | undefined;
  const bracketed = pattern.startsWith("[");
  if (bracketed) {
    const end = pattern.indexOf("]");
    if (end < 0) fail(`unclosed "[" for an IPv6 address`);
    host = pattern.slice(1, end);
    const rest = pattern.slice(end + 1);
    if (rest !== "") {
      if (!rest.startsWith(":")) fail(`expected ":port" after "]", got "${rest}"`);
      portText = rest.slice(1);
    }
  } else {
    const colons = pattern.split(":").length - 1;
    if (colons === 1) {
      const i = pattern.indexOf(":");
      host = pattern.slice(0, i);
      portText = pattern.slice(i + 1);
    }
  }
  if (host.length === 0) fail("expected a host name before the port");
  if (portText === undefined || portText === "*") return { host, port: undefined, bracketed };
  if (!/^[0-9]{1,5}$/.test(portText) || Number(portText) > 65535) {
    fail(`port "${portText}" is not a number from 0 to 65535 or "*"`);
  }
  return { host, port: Number(portText), bracketed };
}
