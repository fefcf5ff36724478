/**
 * Host and port of the places network programs connect to: URLs
 * (`https://a.b:8443/x`), scp-style remotes (`git@github.com:o/r.git`),
 * `host:port` pairs.
 *
 * @module
 */

/** Ports used when a URL names none. */
export const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  http: 80,
  https: 443,
  ws: 80,
  wss: 443,
  ftp: 21,
  ftps: 990,
  sftp: 22,
  scp: 22,
  ssh: 22,
  "git+ssh": 22,
  "ssh+git": 22,
  "git+https": 443,
  "git+http": 80,
  git: 9418,
  rsync: 873,
  telnet: 23,
  ldap: 389,
  ldaps: 636,
  smtp: 25,
  smtps: 465,
  imap: 143,
  imaps: 993,
  pop3: 110,
  pop3s: 995,
  gopher: 70,
  dict: 2628,
  mqtt: 1883,
  rtsp: 554,
  smb: 445,
  tftp: 69,
};

/** Where a URL or remote points. */
export interface Endpoint {
  readonly scheme: string;
  readonly host: string;
  /** `0` when neither written nor implied by the scheme. */
  readonly port: number;
  /** Everything after the authority (`/x?y`), for `file:` URLs the path. */
  readonly path: string;
}

const URL_RE = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)(.*)$/s;

/** Does `text` start like a URL (`scheme://`)? */
export function isUrl(text: string): boolean {
  return URL_RE.test(text);
}

/**
 * Parse `text` as a URL; without a scheme, as `host[:port][/path]` of
 * `defaultScheme` when given (curl reads `example.com` as `http://example.com`).
 */
export function parseUrl(text: string, defaultScheme?: string): Endpoint | null {
  const m = URL_RE.exec(text);
  let scheme: string;
  let authority: string;
  let path: string;
  if (m !== null) {
    scheme = m[1]!.toLowerCase();
    authority = m[2]!;
    path = m[3]!;
  } else {
    if (defaultScheme === undefined) return null;
    scheme = defaultScheme;
    const cut = text.search(/[/?#]/);
    authority = cut < 0 ? text : text.slice(0, cut);
    path = cut < 0 ? "" : text.slice(cut);
  }
  const hp = parseHostPort(authority.slice(authority.lastIndexOf("@") + 1));
  if (hp === null) return null;
  if (hp.host === "" && scheme !== "file") return null;
  return { scheme, host: hp.host, port: hp.port ?? DEFAULT_PORTS[scheme] ?? 0, path };
}

/** `host`, `host:port`, `[v6]`, `[v6]:port`; `port` is `null` when absent. */
export function parseHostPort(text: string): { host: string; port: number | null } | null {
  let host: string;
  let portText: string | undefined;
  if (text.startsWith("[")) {
    const end = text.indexOf("]");
    if (end < 0) return null;
    host = text.slice(1, end);
    const rest = text.slice(end + 1);
    if (rest !== "" && !rest.startsWith(":")) return null;
    portText = rest === "" ? undefined : rest.slice(1);
  } else {
    const colon = text.lastIndexOf(":");
    if (colon >= 0 && text.indexOf(":") !== colon) return { host: text, port: null }; // bare IPv6
    host = colon < 0 ? text : text.slice(0, colon);
    portText = colon < 0 ? undefined : text.slice(colon + 1);
  }
  if (portText === undefined || portText === "") return { host, port: null };
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) return null;
  return { host, port: Number(portText) };
}

/** `[user@]host:path` as scp, rsync and git write remotes; `null` for local paths and URLs. */
export function parseScpLike(text: string): { host: string; path: string } | null {
  if (isUrl(text)) return null;
  const m = /^(?:[^@/:]+@)?(\[[^\]]+\]|[^/:[\]]+):(.*)$/s.exec(text);
  if (m === null) return null;
  return { host: m[1]!.replace(/^\[(.*)\]$/, "$1"), path: m[2]! };
}
