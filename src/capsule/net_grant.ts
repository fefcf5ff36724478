/**
 * Network grants of `capabilities.net`: `host` (the default ports 80 and 443)
 * or `host:port`. No wildcards, schemes or paths: every entry names exactly
 * one host, so the Deno permission of the capsule worker can be just as
 * narrow as the grant (Deno's net permission has no wildcards either).
 *
 * @module
 */

/** A parsed grant. `port: null` means 80 and 443. */
export interface NetGrant {
  /** Lowercase DNS name, dotted IPv4, or bracketed IPv6 (`[::1]`). */
  readonly host: string;
  readonly port: number | null;
}

const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** Parse one `capabilities.net` entry. */
export function parseNetGrant(text: string): { ok: true; grant: NetGrant } | {
  ok: false;
  reason: string;
} {
  if (text.includes("://") || text.includes("/")) {
    return { ok: false, reason: `"${text}" must be a host or host:port, without scheme or path` };
  }
  let host = text;
  let port: number | null = null;
  const m = text.match(/^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/);
  if (!m) return { ok: false, reason: `"${text}" is not host or host:port` };
  host = m[1]!;
  if (m[2] !== undefined) {
    port = Number(m[2]);
    if (port < 1 || port > 65535) {
      return { ok: false, reason: `"${text}": port ${port} is out of range 1-65535` };
    }
  }
  const problem = hostProblem(host);
  return problem
    ? { ok: false, reason: `"${text}": ${problem}` }
    : { ok: true, grant: { host, port } };
}

function hostProblem(host: string): string | undefined {
  if (host === "") return "empty host";
  if (host.includes("*")) return "wildcards are not allowed; list each host";
  if (host.startsWith("[")) {
    try {
      return new URL(`http://${host}/`).host === host
        ? undefined
        : `IPv6 address "${host}" is not in canonical form (expected "${
          new URL(`http://${host}/`).host
        }")`;
    } catch {
      return `"${host}" is not a valid IPv6 address`;
    }
  }
  if (host !== host.toLowerCase()) return `host must be lowercase ("${host.toLowerCase()}")`;
  if (/^[\d.]+$/.test(host)) {
    return IPV4.test(host) ? undefined : `"${host}" is not a valid IPv4 address`;
  }
  if (host.length > 253) return "host name longer than 253 characters";
  if (!host.split(".").every((l) => LABEL.test(l))) {
    return `"${host}" is not a DNS name (letters, digits and "-" in dot-separated labels)`;
  }
  return undefined;
}

/** Whether `grant` covers a request to `host` on `port` (host as `URL.hostname` gives it). */
export function netGrantAllows(grant: NetGrant, host: string, port: number): boolean {
  if (grant.host !== host) return false;
  return grant.port === null ? port === 80 || port === 443 : grant.port === port;
}
