/**
 * Programs that reach the network, and where: `curl`, `wget`, `nc`, `ssh`,
 * `scp`, `sftp`, `rsync`, `telnet`, `ftp`, `git` (push, pull, fetch, clone,
 * ls-remote), package managers that talk to a registry, `ping`, `dig`,
 * `nslookup`, `host`, `http`/`xh`, `socat`, `openssl s_client`. Local paths
 * these programs read or write are reported too, and so are the commands
 * some of them run (`ssh -o ProxyCommand=...`, `ncat --sh-exec`).
 *
 * @module
 */

import type { Effects } from "./effects.ts";
import { parseHostPort, parseScpLike, parseUrl } from "./parse_endpoint.ts";
import { hasOption, optionValues, type Scanned, scanOptions } from "./scan_options.ts";
import { type Arg, exact, literalArg } from "./word_value.ts";

/**
 * Report what `exe args...` reaches. `true` when the arguments' local paths
 * were fully handled too; `false` when the caller should still read path-like
 * arguments the default way (not a network program, or a subcommand we only
 * partly model).
 */
export function networkProgram(exe: string, args: readonly Arg[], fx: Effects): boolean {
  switch (exe) {
    case "curl":
      return curl(args, fx);
    case "wget":
    case "wget2":
      return wget(args, fx);
    case "nc":
    case "ncat":
    case "netcat":
      return netcat(args, fx);
    case "ssh":
      return ssh(args, fx);
    case "scp":
      return scp(args, fx);
    case "sftp":
      return sftp(args, fx);
    case "rsync":
      return rsync(args, fx);
    case "telnet":
      return hostThenPort(args, fx, 23, "bEelnSX");
    case "ftp":
    case "tftp":
      return hostThenPort(args, fx, exe === "ftp" ? 21 : 69, "P", "ftp");
    case "lftp":
      return lftp(args, fx);
    case "git":
      return git(args, fx);
    case "npm":
    case "pnpm":
    case "yarn":
    case "bun":
      return packageManager(exe, args, fx);
    case "pip":
    case "pip3":
      return pip(args, fx);
    case "ping":
    case "ping6":
    case "traceroute":
    case "tracepath":
    case "mtr":
      return ping(args, fx);
    case "dig":
    case "nslookup":
    case "host":
    case "drill":
      return dns(exe, args, fx);
    case "http":
    case "https":
    case "httpie":
    case "xh":
    case "xhs":
      return httpie(exe, args, fx);
    case "socat":
      return socat(args, fx);
    case "openssl":
      return openssl(args, fx);
    case "aria2c":
    case "axel":
      return urlsOnly(args, fx, "http");
  }
  return false;
}

/** Report a URL (or `host[:port]` when `defaultScheme` is given); `file:` URLs are local reads. */
function url(arg: Arg, fx: Effects, defaultScheme?: string): void {
  const text = exact(arg);
  if (text === null) return fx.network("<dynamic>", 0, arg.source);
  const e = parseUrl(text, defaultScheme);
  if (e === null) return;
  if (e.scheme === "file") {
    return fx.path("read", literalArg(decodeURIComponentSafe(e.path) || "/"));
  }
  fx.network(e.host, e.port, text);
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** `@file` data arguments of curl and httpie read that file. */
function dataFile(value: Arg, fx: Effects): void {
  const t = value.text;
  if (t === null) return;
  const m = /^(?:[^=@<]*=)?[@<](.+)$/.exec(t);
  if (m !== null && m[1] !== "-") fx.path("read", literalArg(m[1]!.split(";")[0]!));
}

function curl(args: readonly Arg[], fx: Effects): boolean {
  const s = scanOptions(args, {
    flags: "0123456aBfgGiIjJkLlMnNOpqRsSvVZ#:h",
    values: "AbcCdDeEFHKmoPQrtTuUwxXyYz",
    longValues: [
      "data",
      "data-ascii",
      "data-binary",
      "data-raw",
      "data-urlencode",
      "json",
      "form",
      "form-string",
      "header",
      "proxy-header",
      "output",
      "output-dir",
      "upload-file",
      "user",
      "user-agent",
      "referer",
      "cookie",
      "cookie-jar",
      "request",
      "url",
      "url-query",
      "proxy",
      "preproxy",
      "proxy-user",
      "max-time",
      "connect-timeout",
      "retry",
      "retry-delay",
      "retry-max-time",
      "config",
      "cacert",
      "capath",
      "cert",
      "cert-type",
      "key",
      "key-type",
      "pass",
      "resolve",
      "connect-to",
      "interface",
      "dns-servers",
      "dns-interface",
      "limit-rate",
      "range",
      "write-out",
      "proto",
      "proto-redir",
      "proto-default",
      "noproxy",
      "socks4",
      "socks4a",
      "socks5",
      "socks5-hostname",
      "unix-socket",
      "abstract-unix-socket",
      "oauth2-bearer",
      "aws-sigv4",
      "ciphers",
      "variable",
      "trace",
      "trace-ascii",
      "stderr",
      "etag-save",
      "etag-compare",
      "hsts",
      "alt-svc",
      "netrc-file",
      "dump-header",
      "time-cond",
      "max-filesize",
      "speed-limit",
      "speed-time",
      "keepalive-time",
      "local-port",
      "max-redirs",
      "expect100-timeout",
      "parallel-max",
      "login-options",
      "mail-from",
      "mail-rcpt",
      "mail-auth",
      "ftp-port",
      "krb",
      "engine",
      "pinnedpubkey",
      "crlfile",
      "random-file",
      "egd-file",
      "tls-max",
      "tlsuser",
      "tlspassword",
      "create-file-mode",
      "happy-eyeballs-timeout-ms",
      "ip-tos",
      "vlan-priority",
    ],
    permute: true,
  });
  for (const u of s.operands) url(u, fx, "http");
  for (const u of optionValues(s, "--url")) url(u, fx, "http");
  for (
    const p of optionValues(
      s,
      "-x",
      "--proxy",
      "--preproxy",
      "--socks4",
      "--socks4a",
      "--socks5",
      "--socks5-hostname",
    )
  ) {
    url(p, fx, "http");
  }
  for (const c of optionValues(s, "--connect-to")) {
    const parts = c.text?.split(":") ?? [];
    if (parts.length === 4 && parts[2]) fx.network(parts[2], Number(parts[3]) || 0);
  }
  for (const r of optionValues(s, "--resolve")) {
    const m = /^[^:]*:(\d+):\[?([^\],]+)/.exec(r.text ?? "");
    if (m !== null) fx.network(m[2]!, Number(m[1]));
  }
  for (
    const v of optionValues(
      s,
      "-o",
      "--output",
      "-c",
      "--cookie-jar",
      "-D",
      "--dump-header",
      "--trace",
      "--trace-ascii",
      "--stderr",
      "--etag-save",
    )
  ) {
    fx.path("write", v);
  }
  for (
    const v of optionValues(
      s,
      "-T",
      "--upload-file",
      "-K",
      "--config",
      "--cacert",
      "-E",
      "--cert",
      "--key",
      "--netrc-file",
      "--etag-compare",
    )
  ) {
    fx.path("read", v);
  }
  if (hasOption(s, "-K", "--config")) fx.network("<dynamic>", 0); // URLs can hide in the config file
  for (const v of optionValues(s, "-b", "--cookie")) if (!v.text?.includes("=")) fx.path("read", v);
  for (
    const v of optionValues(
      s,
      "-d",
      "--data",
      "--data-binary",
      "--data-ascii",
      "--data-urlencode",
      "--json",
      "-F",
      "--form",
    )
  ) {
    dataFile(v, fx);
  }
  if (hasOption(s, "-O", "--remote-name", "-J", "--remote-header-name", "--remote-name-all")) {
    const dir = optionValues(s, "--output-dir")[0];
    fx.path("write", dir ?? literalArg("."));
    fx.unknownPaths();
  }
  return true;
}

function wget(args: readonly Arg[], fx: Effects): boolean {
  const s = scanOptions(args, {
    flags: "bcdFhkKLmnNpqrSvVx46E",
    values: "aABDeiIlOoPQRtTUwX",
    longValues: [
      "output-document",
      "output-file",
      "append-output",
      "directory-prefix",
      "input-file",
      "execute",
      "tries",
      "timeout",
      "wait",
      "quota",
      "user-agent",
      "domains",
      "level",
      "accept",
      "reject",
      "include-directories",
      "exclude-directories",
      "header",
      "post-data",
      "post-file",
      "body-data",
      "body-file",
      "method",
      "user",
      "password",
      "http-user",
      "http-password",
      "load-cookies",
      "save-cookies",
      "base",
      "bind-address",
      "ca-certificate",
      "certificate",
      "private-key",
      "referer",
      "limit-rate",
    ],
    permute: true,
  });
  for (const u of s.operands) url(u, fx, "http");
  for (
    const v of optionValues(
      s,
      "-O",
      "--output-document",
      "-o",
      "--output-file",
      "-a",
      "--append-output",
      "--save-cookies",
    )
  ) {
    fx.path("write", v);
  }
  const dir = optionValues(s, "-P", "--directory-prefix")[0];
  if (!hasOption(s, "-O", "--output-document")) {
    fx.path("write", dir ?? literalArg("."));
    if (s.operands.length > 0 || hasOption(s, "-i", "--input-file")) fx.unknownPaths();
  }
  for (
    const v of optionValues(
      s,
      "-i",
      "--input-file",
      "--post-file",
      "--body-file",
      "--load-cookies",
      "--ca-certificate",
      "--certificate",
      "--private-key",
    )
  ) {
    fx.path("read", v);
  }
  if (hasOption(s, "-i", "--input-file")) fx.network("<dynamic>", 0);
  if (hasOption(s, "-e", "--execute")) fx.network("<dynamic>", 0); // wgetrc commands may set a proxy
  return true;
}

function netcat(args: readonly Arg[], fx: Effects): boolean {
  const s = scanOptions(args, {
    flags: "46bCDdFhklNnrStUuvzZ",
    values: "IiMmOPpqsTVWwXxeco",
    longValues: [
      "exec",
      "sh-exec",
      "lua-exec",
      "output",
      "hex-dump",
      "source-port",
      "source",
      "proxy",
      "proxy-type",
      "wait",
      "idle-timeout",
      "max-conns",
      "allow",
      "deny",
      "send-only",
      "recv-only",
    ],
    longFlags: [
      "listen",
      "keep-open",
      "udp",
      "sctp",
      "ssl",
      "verbose",
      "nodns",
      "crlf",
      "telnet",
      "zero",
    ],
    permute: true,
  });
  for (const e of optionValues(s, "-e", "--exec")) fx.runArgv([e], "nc -e");
  for (const c of optionValues(s, "-c", "--sh-exec")) fx.runShell(c, "nc --sh-exec");
  for (const l of optionValues(s, "--lua-exec")) {
    fx.path("read", l);
    fx.inline();
  }
  for (const o of optionValues(s, "-o", "--output", "--hex-dump")) fx.path("write", o);
  for (const p of optionValues(s, "-x", "--proxy")) hostPort(p, fx, 1080);
  const ops = s.operands;
  if (hasOption(s, "-l", "--listen")) {
    const port = optionValues(s, "-p")[0] ?? ops[ops.length - 1];
    fx.network("<listen>", portOf(port));
    return true;
  }
  if (ops[0] !== undefined) {
    const host = exact(ops[0]) ?? "<dynamic>";
    fx.network(host, portOf(ops[1]));
  }
  return true;
}

/** A port operand; `0` for ranges, names and expansions. */
function portOf(arg: Arg | undefined): number {
  const t = exact(arg);
  return t !== null && /^\d{1,5}$/.test(t) && Number(t) <= 65535 ? Number(t) : 0;
}

function hostPort(arg: Arg, fx: Effects, defaultPort: number): void {
  const t = exact(arg);
  if (t === null) return fx.network("<dynamic>", 0);
  const hp = parseHostPort(t.slice(t.lastIndexOf("@") + 1));
  if (hp !== null) fx.network(hp.host, hp.port ?? defaultPort);
}

const SSH_OPTS = {
  flags: "46AaCfGgKkMNnqsTtVvXxYy",
  values: "BbcDEeFIiJLlmOoPpQRSWw",
};

/** `-o Key=Value` settings of ssh, scp and sftp that matter: commands and destinations. */
function sshConfig(
  s: Scanned,
  fx: Effects,
  label: string,
): { port: number | null; hostName: string | null } {
  let port: number | null = null;
  let hostName: string | null = null;
  for (const o of optionValues(s, "-o")) {
    const t = o.text;
    if (t === null) {
      fx.dynamic(`${label} -o ${o.source}`);
      continue;
    }
    const m = /^\s*([A-Za-z]+)\s*[= ]\s*(.*)$/s.exec(t);
    if (m === null) continue;
    const key = m[1]!.toLowerCase();
    const value = m[2]!;
    if (key === "proxycommand" || key === "localcommand" || key === "knownhostscommand") {
      if (value.toLowerCase() !== "none") fx.runShell(literalArg(value), `${label} ${m[1]}`);
    } else if (key === "port") port = Number(value) || 0;
    else if (key === "hostname") hostName = value;
    else if (key === "proxyjump") jumpHosts(literalArg(value), fx);
    else if (key === "identityfile" || key === "userknownhostsfile" || key === "certificatefile") {
      fx.path("read", literalArg(value));
    } else if (key === "include") fx.unknownPaths();
  }
  for (const f of optionValues(s, "-F", "-i")) fx.path("read", f);
  for (const j of optionValues(s, "-J")) jumpHosts(j, fx);
  return { port, hostName };
}

function jumpHosts(arg: Arg, fx: Effects): void {
  const t = exact(arg);
  if (t === null) return fx.network("<dynamic>", 0);
  if (t.toLowerCase() === "none") return;
  for (const hop of t.split(",")) {
    const e = parseUrl(hop, "ssh");
    if (e !== null) fx.network(e.host, e.port);
  }
}

function ssh(args: readonly Arg[], fx: Effects): boolean {
  // OpenSSH reads options after the destination too (`ssh host -p 2222`), up
  // to the first word of the remote command.
  const before = scanOptions(args, SSH_OPTS);
  const after = scanOptions(args.slice(before.firstOperand + 1), SSH_OPTS);
  const s: Scanned = {
    options: [...before.options, ...after.options],
    operands: before.operands.slice(0, 1),
    firstOperand: before.firstOperand,
    unknown: before.unknown ?? after.unknown,
  };
  const cfg = sshConfig(s, fx, "ssh");
  for (const e of optionValues(s, "-E")) fx.path("write", e);
  for (const f of optionValues(s, "-L", "-D")) fx.network("<listen>", listenPort(f));
  for (const w of optionValues(s, "-W")) hostPort(w, fx, 22);
  const dest = s.operands[0];
  if (dest === undefined) return true;
  const port = optionValues(s, "-p")[0];
  const t = exact(dest);
  if (t === null) return fx.network("<dynamic>", 0), true;
  const e = parseUrl(t, "ssh");
  if (e === null) return true;
  const explicit = port !== undefined ? portOf(port) : cfg.port;
  fx.network(
    cfg.hostName ?? e.host,
    t.startsWith("ssh://") && e.port !== 22 ? e.port : explicit ?? 22,
    t,
  );
  return true;
}

function listenPort(arg: Arg): number {
  const m = /^(?:[^:]*:)?(\d+)/.exec(arg.text ?? "");
  return m === null ? 0 : Number(m[1]);
}

/** Remote operands of scp/rsync; local ones as paths (the last one written). */
function copyOperands(
  ops: readonly Arg[],
  fx: Effects,
  port: number | null,
  defaultPort: number,
): void {
  ops.forEach((op, i) => {
    const last = i === ops.length - 1 && ops.length > 1;
    const t = exact(op);
    if (t === null) {
      fx.network("<dynamic>", 0);
      fx.path(last ? "write" : "read", op);
      return;
    }
    const u = parseUrl(t);
    if (u !== null) {
      fx.network(u.host, port ?? u.port, t);
      return;
    }
    const daemon = /^(?:[^@/:]+@)?([^/:]+)::/.exec(t);
    if (daemon !== null) {
      fx.network(daemon[1]!, 873, t);
      return;
    }
    const remote = parseScpLike(t);
    if (remote !== null) {
      fx.network(remote.host, port ?? defaultPort, t);
      return;
    }
    fx.path(last ? "write" : "read", op);
  });
}

function scp(args: readonly Arg[], fx: Effects): boolean {
  const s = scanOptions(args, {
    flags: "346ABCdOpqRrsTv",
    values: "cDFiJloPSX",
    permute: true,
  });
  const cfg = sshConfig(s, fx, "scp");
  for (const p of optionValues(s, "-S")) fx.runArgv([p], "scp -S");
  const port = optionValues(s, "-P")[0];
  copyOperands(s.operands, fx, port !== undefined ? portOf(port) : cfg.port, 22);
  return true;
}

function sftp(args: readonly Arg[], fx: Effects): boolean {
  const s = scanOptions(args, { flags: "46AaCfNpqrv", values: "BbcDFiJloPRSsX" });
  const cfg = sshConfig(s, fx, "sftp");
  for (const b of optionValues(s, "-b")) fx.path("read", b);
  for (const p of optionValues(s, "-S")) fx.runArgv([p], "sftp -S");
  const port = optionValues(s, "-P")[0];
  const dest = s.operands[0];
  if (dest === undefined) return true;
  const t = exact(dest);
  if (t === null) return fx.network("<dynamic>", 0), true;
  const e = parseUrl(t) ?? parseUrl(parseScpLike(t)?.host ?? t, "sftp");
  if (e !== null) {
    fx.network(cfg.hostName ?? e.host, port !== undefined ? portOf(port) : cfg.port ?? e.port, t);
  }
  return true;
}

function rsync(args: readonly Arg[], fx: Effects): boolean {
  const s = scanOptions(args, {
    flags: "vqcarRbuldLkKHpEAXogDtUNOJmnWxCSIyzPhF8i0s46",
    values: "eBfTM",
    longValues: [
      "rsh",
      "rsync-path",
      "filter",
      "exclude",
      "exclude-from",
      "include",
      "include-from",
      "files-from",
      "password-file",
      "log-file",
      "log-file-format",
      "temp-dir",
      "compare-dest",
      "copy-dest",
      "link-dest",
      "backup-dir",
      "suffix",
      "chmod",
      "chown",
      "usermap",
      "groupmap",
      "timeout",
      "contimeout",
      "port",
      "sockopts",
      "bwlimit",
      "max-size",
      "min-size",
      "max-delete",
      "partial-dir",
      "out-format",
      "skip-compress",
      "compress-choice",
      "checksum-choice",
      "block-size",
      "modify-window",
      "address",
      "protocol",
      "iconv",
      "info",
      "debug",
    ],
    permute: true,
  });
  for (const e of optionValues(s, "-e", "--rsh")) {
    const words = e.text?.split(/\s+/).filter(Boolean).map(literalArg);
    if (words === undefined) fx.dynamic("rsync -e");
    else fx.runArgv(words, "rsync -e");
  }
  for (
    const f of optionValues(
      s,
      "--exclude-from",
      "--include-from",
      "--files-from",
      "--password-file",
    )
  ) {
    fx.path("read", f);
  }
  for (const f of optionValues(s, "--log-file")) fx.path("write", f);
  const port = optionValues(s, "--port")[0];
  copyOperands(s.operands, fx, port !== undefined ? portOf(port) : null, 22);
  return true;
}

function hostThenPort(
  args: readonly Arg[],
  fx: Effects,
  defaultPort: number,
  values: string,
  scheme?: string,
): boolean {
  const s = scanOptions(args, { flags: "46aAdDeEfFgiKLnNprtvx", values, permute: true });
  const host = s.operands[0];
  if (host === undefined) return true;
  const t = exact(host);
  if (t === null) return fx.network("<dynamic>", 0), true;
  const e = scheme !== undefined ? parseUrl(t) : null;
  if (e !== null) return fx.network(e.host, e.port, t), true;
  fx.network(t.slice(t.lastIndexOf("@") + 1), portOf(s.operands[1]) || defaultPort);
  return true;
}

function lftp(args: readonly Arg[], fx: Effects): boolean {
  const s = scanOptions(args, { flags: "dv", values: "ceupf", permute: true });
  if (hasOption(s, "-c", "-e")) fx.inline(); // lftp commands include `!shell`
  for (const f of optionValues(s, "-f")) {
    fx.path("read", f);
    fx.inline();
  }
  const port = optionValues(s, "-p")[0];
  for (const u of s.operands) {
    const t = exact(u);
    if (t === null) fx.network("<dynamic>", 0);
    else {
      const e = parseUrl(t, "ftp");
      if (e !== null) fx.network(e.host, port !== undefined ? portOf(port) : e.port, t);
    }
  }
  return true;
}

/** A git repository argument: URL, scp-like remote, local path, or remote name. */
function gitRepo(arg: Arg | undefined, fx: Effects, program: string): void {
  if (arg === undefined) return fx.network("<git-remote>", 0, undefined, program);
  const t = exact(arg);
  if (t === null) return fx.network("<dynamic>", 0, undefined, program);
  if (/^[A-Za-z][A-Za-z0-9+.-]*::/.test(t)) {
    // Remote helpers: `ext::cmd` runs a command; others are programs we do not model.
    fx.inline();
    return fx.network("<dynamic>", 0, t, program);
  }
  const u = parseUrl(t);
  if (u !== null) {
    if (u.scheme === "file") return fx.path("read", literalArg(u.path));
    return fx.network(u.host, u.port, t, program);
  }
  const remote = parseScpLike(t);
  if (remote !== null) return fx.network(remote.host, 22, t, program);
  if (t.includes("/") || t.startsWith(".") || t.startsWith("~")) return fx.path("read", arg);
  fx.network("<git-remote>", 0, undefined, program);
}

const GIT_GLOBAL = {
  flags: "pPhv",
  values: "Cc",
  longFlags: [
    "paginate",
    "no-pager",
    "bare",
    "no-replace-objects",
    "literal-pathspecs",
    "glob-pathspecs",
    "noglob-pathspecs",
    "icase-pathspecs",
    "no-optional-locks",
    "no-lazy-fetch",
    "no-advice",
    "version",
    "help",
    "html-path",
    "man-path",
    "info-path",
    "exec-path",
  ],
  longValues: [
    "git-dir",
    "work-tree",
    "namespace",
    "config-env",
    "super-prefix",
    "list-cmds",
    "attr-source",
  ],
};

function git(args: readonly Arg[], fx: Effects): boolean {
  const g = scanOptions(args, GIT_GLOBAL);
  // `-c key=value` and `--config-env` can set commands git runs (core.sshCommand,
  // core.fsmonitor, alias.x=!cmd, ...); `--exec-path=DIR` swaps git's own programs.
  if (
    hasOption(g, "-c", "--config-env") || g.options.some((o) => o.name === "--exec-path" && o.value)
  ) {
    fx.inline();
  }
  if (g.unknown !== null) fx.dynamic(`git ${g.unknown}`);
  const sub = exact(args[g.firstOperand]);
  const rest = args.slice(g.firstOperand + 1);
  const label = `git ${sub ?? ""}`.trim();
  switch (sub) {
    case "push":
    case "fetch":
    case "pull":
    case "ls-remote": {
      const s = scanOptions(rest, {
        flags: "46aAfFkmnPqrtuv",
        values: "jos",
        optional: "",
        longValues: [
          "repo",
          "receive-pack",
          "exec",
          "push-option",
          "upload-pack",
          "depth",
          "deepen",
          "shallow-since",
          "shallow-exclude",
          "jobs",
          "refmap",
          "server-option",
          "negotiation-tip",
          "filter",
          "strategy",
          "strategy-option",
          "sort",
          "recurse-submodules-default",
          "submodule-prefix",
        ],
        permute: true,
      });
      if (hasOption(s, "--receive-pack", "--exec", "--upload-pack")) fx.inline();
      const repo = optionValues(s, "--repo")[0] ?? s.operands[0];
      gitRepo(repo, fx, label);
      return true;
    }
    case "clone": {
      const s = scanOptions(rest, {
        flags: "lsqnv",
        values: "bcjou",
        longValues: [
          "branch",
          "config",
          "jobs",
          "origin",
          "upload-pack",
          "template",
          "reference",
          "reference-if-able",
          "separate-git-dir",
          "depth",
          "shallow-since",
          "shallow-exclude",
          "filter",
          "server-option",
          "bundle-uri",
          "ref-format",
        ],
        permute: true,
      });
      if (hasOption(s, "-c", "--config", "-u", "--upload-pack")) fx.inline();
      gitRepo(s.operands[0], fx, label);
      const repoText = exact(s.operands[0]);
      const dir = s.operands[1] ??
        (repoText === null ? undefined : literalArg(
          repoText.replace(/\/+$/, "").replace(/\.git$/, "").split(/[/:]/).pop() ?? ".",
        ));
      if (dir !== undefined) fx.path("write", dir);
      else fx.unknownPaths();
      return true;
    }
    case "remote": {
      const action = exact(rest.find((a) => !a.text?.startsWith("-")));
      if (action === "update" || action === "show" || action === "prune") {
        fx.network("<git-remote>", 0, undefined, label);
      }
      return true;
    }
    case "submodule":
      fx.network("<git-remote>", 0, undefined, label);
      return true;
    case "archive": {
      for (const a of rest) {
        if (a.text?.startsWith("--remote=")) gitRepo(literalArg(a.text.slice(9)), fx, label);
      }
      return false;
    }
    case "config": {
      // Settings that make later git commands run programs (hooks, pagers, helpers).
      const setting = rest.find((a) => a.text === null || !a.text.startsWith("-"));
      const key = setting?.text?.toLowerCase() ?? null;
      const reading = rest.some((a) =>
        /^(--get|--get-all|--get-regexp|--list|-l)$/.test(a.text ?? "")
      );
      if (!reading && (key === null || GIT_CODE_KEYS.test(key))) fx.inline();
      return false;
    }
    case "send-email":
      fx.network("<dynamic>", 0);
      return false;
  }
  return false;
}

/** git configuration keys whose value is a command, a program or a hook location. */
const GIT_CODE_KEYS =
  /^(core\.(sshcommand|fsmonitor|hookspath|pager|editor|askpass|gitproxy|alternaterefscommand)|alias\.|diff\.|merge\.|filter\.|credential\.|gpg\.|sequence\.editor|pager\.|uploadpack\.|receive\.procreceiverefs|difftool\.|mergetool\.|protocol\.|remote\..*\.(uploadpack|receivepack|proxy|vcs)|include\.|includeif\.|http\..*proxy|url\.)/;

const REGISTRY_COMMANDS = new Set([
  "publish",
  "install",
  "i",
  "ci",
  "add",
  "update",
  "up",
  "upgrade",
  "install-test",
  "it",
  "audit",
  "outdated",
  "view",
  "info",
  "show",
  "unpublish",
  "deprecate",
  "dist-tag",
  "login",
  "adduser",
  "owner",
  "access",
  "search",
  "pack",
]);

function packageManager(exe: string, args: readonly Arg[], fx: Effects): boolean {
  const sub = exact(args.find((a) => a.text === null || !a.text.startsWith("-")));
  const yarnDefault = exe === "yarn" && (sub === undefined || sub === null);
  if (!yarnDefault && (sub === null || sub === undefined || !REGISTRY_COMMANDS.has(sub))) {
    return false;
  }
  let registry: Arg | undefined;
  for (let i = 0; i < args.length; i++) {
    const t = args[i]!.text;
    if (t === "--registry") registry = args[i + 1];
    else if (t?.startsWith("--registry=")) registry = literalArg(t.slice(11));
  }
  if (registry !== undefined) url(registry, fx);
  else fx.network(exe === "yarn" ? "registry.yarnpkg.com" : "registry.npmjs.org", 443);
  // Package specs that are URLs or git remotes reach those hosts.
  for (const a of args) {
    const t = exact(a);
    if (t === null) continue;
    const spec = t.replace(/^[^@/]*@(?=[a-z+]+:)/, "").replace(/^git\+/, "");
    if (/^(https?|ssh|git):\/\//.test(spec)) url(literalArg(spec), fx);
    else if (/^(github|gitlab|bitbucket):/.test(spec)) {
      fx.network(`${spec.split(":")[0]}.${spec.startsWith("bitbucket") ? "org" : "com"}`, 443, t);
    }
  }
  return false;
}

function pip(args: readonly Arg[], fx: Effects): boolean {
  const s = scanOptions(args, {
    values: "irceft",
    longValues: [
      "index-url",
      "extra-index-url",
      "find-links",
      "requirement",
      "constraint",
      "editable",
      "target",
      "proxy",
      "trusted-host",
      "root",
      "prefix",
      "src",
      "python-version",
      "platform",
      "implementation",
      "abi",
      "cache-dir",
      "log",
      "timeout",
      "retries",
      "progress-bar",
      "upgrade-strategy",
      "dest",
      "report",
      "only-binary",
      "no-binary",
      "config-settings",
      "global-option",
      "python",
    ],
    permute: true,
  });
  const sub = exact(s.operands[0]);
  if (
    sub !== "install" && sub !== "download" && sub !== "wheel" && sub !== "index" &&
    sub !== "search"
  ) {
    return false;
  }
  const index = optionValues(s, "-i", "--index-url")[0];
  if (index !== undefined) url(index, fx);
  else {
    fx.network("pypi.org", 443);
    fx.network("files.pythonhosted.org", 443);
  }
  for (const u of optionValues(s, "--extra-index-url", "-f", "--find-links", "--proxy")) {
    url(u, fx, "http");
  }
  for (const r of optionValues(s, "-r", "--requirement", "-c", "--constraint")) {
    fx.path("read", r);
    fx.network("<dynamic>", 0); // requirement files can name any index or URL
  }
  for (const e of optionValues(s, "-e", "--editable")) {
    const t = exact(e);
    if (t !== null && /^[a-z+]+:\/\//.test(t.replace(/^git\+/, ""))) {
      url(literalArg(t.replace(/^git\+/, "")), fx);
    } else fx.path("read", e);
  }
  for (const a of s.operands.slice(1)) {
    const t = exact(a);
    if (t === null) continue;
    const m = /(?:^|@\s*)(?:git\+)?((?:https?|ssh|git):\/\/\S+)/.exec(t);
    if (m !== null) url(literalArg(m[1]!), fx);
    else if (t.includes("/") || t.startsWith(".")) fx.path("read", a);
  }
  return true;
}

function ping(args: readonly Arg[], fx: Effects): boolean {
  const s = scanOptions(args, {
    flags: "46aAbBdDfhLnOqrRUvV",
    values: "cFiIlmMpQsStTwWe",
    permute: true,
  });
  const host = s.operands[s.operands.length - 1];
  if (host !== undefined) fx.network(exact(host) ?? "<dynamic>", 0);
  return true;
}

function dns(exe: string, args: readonly Arg[], fx: Effects): boolean {
  const names: Arg[] = [];
  let server: Arg | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const t = a.text;
    if (t === null) {
      names.push(a);
      continue;
    }
    if (t.startsWith("@")) server = literalArg(t.slice(1));
    else if (t.startsWith("+")) continue;
    else if (t.startsWith("-")) {
      if (/^-[bcfkpqtxyyiWNRm]$/.test(t)) {
        if (t === "-x" || t === "-q") names.push(args[i + 1] ?? literalArg(""));
        if (t === "-f") fx.path("read", args[i + 1] ?? literalArg(""));
        i++;
      }
    } else if (/^(A|AAAA|MX|NS|TXT|SOA|CNAME|PTR|SRV|ANY|CAA|DS|DNSKEY|IN|CH)$/i.test(t)) continue;
    else names.push(a);
  }
  if ((exe === "nslookup" || exe === "host") && names.length > 1) server = names.pop();
  for (const n of names) fx.network(exact(n) ?? "<dynamic>", 53);
  if (server !== undefined) hostPort(server, fx, 53);
  return true;
}

function httpie(exe: string, args: readonly Arg[], fx: Effects): boolean {
  const s = scanOptions(args, {
    flags: "bdfhjFImqSvx",
    values: "aAoplPs",
    longValues: [
      "auth",
      "auth-type",
      "output",
      "session",
      "session-read-only",
      "verify",
      "cert",
      "cert-key",
      "proxy",
      "timeout",
      "print",
      "style",
      "pretty",
      "format-options",
      "max-redirects",
      "boundary",
      "ssl",
      "ciphers",
      "default-scheme",
      "response-charset",
      "response-mime",
      "unsorted",
    ],
    permute: true,
  });
  const ops = [...s.operands];
  if (ops[0]?.text !== null && /^[A-Z]+$/.test(ops[0]?.text ?? "")) ops.shift();
  const target = ops.shift();
  const scheme = exe === "https" || exe === "xhs" ? "https" : "http";
  if (target !== undefined) {
    const t = exact(target);
    if (t === null) fx.network("<dynamic>", 0);
    else url(literalArg(t.startsWith(":") ? `localhost${t}` : t), fx, scheme);
  }
  for (const item of ops) dataFile(item, fx);
  for (const p of optionValues(s, "--proxy")) {
    const t = p.text?.replace(/^[a-z]+:/, "");
    if (t !== undefined) url(literalArg(t), fx, "http");
  }
  for (const o of optionValues(s, "-o", "--output")) fx.path("write", o);
  for (const f of optionValues(s, "--session", "--cert", "--cert-key")) fx.path("read", f);
  return true;
}

function socat(args: readonly Arg[], fx: Effects): boolean {
  const addresses = args.filter((a) =>
    !(a.text !== null && a.text.startsWith("-") && a.text !== "-")
  );
  for (const a of addresses) {
    const t = exact(a);
    if (t === null) {
      fx.dynamic("socat address");
      continue;
    }
    const m = /^([A-Za-z0-9-]+):(.*)$/s.exec(t);
    if (m === null) continue; // `-`, STDIO, ...
    const type = m[1]!.toUpperCase();
    const body = m[2]!.split(",")[0]!;
    if (type === "SYSTEM") fx.runShell(literalArg(m[2]!.split(",")[0]!), "socat SYSTEM");
    else if (type === "EXEC") {
      fx.runArgv(body.split(/\s+/).filter(Boolean).map(literalArg), "socat EXEC");
    } else if (/LISTEN/.test(type)) fx.network("<listen>", portOf(literalArg(body)));
    else if (
      /^(TCP|TCP4|TCP6|UDP|UDP4|UDP6|SCTP|OPENSSL|SSL|DTLS|SOCKS4|SOCKS4A|SOCKS5|PROXY|TCP-CONNECT|UDP-CONNECT|UDP-SENDTO)$/
        .test(type)
    ) {
      const hp = parseHostPort(body);
      if (hp !== null) fx.network(hp.host, hp.port ?? 0);
    } else if (/^(OPEN|CREATE|GOPEN|PIPE|UNIX-CONNECT|UNIX-CLIENT)$/.test(type)) {
      fx.path(type === "CREATE" ? "write" : "read", literalArg(body));
    } else if (/^(STDIO|STDIN|STDOUT|STDERR|FD|PTY)$/.test(type)) continue;
    else fx.dynamic(`socat ${type}`);
  }
  return true;
}

function openssl(args: readonly Arg[], fx: Effects): boolean {
  if (exact(args[0]) !== "s_client") return false;
  for (let i = 1; i < args.length; i++) {
    const t = args[i]!.text;
    if (t === "-connect" || t === "-proxy") hostPort(args[i + 1] ?? literalArg(""), fx, 443);
  }
  return false;
}

function urlsOnly(args: readonly Arg[], fx: Effects, scheme: string): boolean {
  for (const a of args) {
    const t = a.text;
    if (t !== null && !t.startsWith("-") && /[.:]/.test(t)) url(a, fx, scheme);
  }
  fx.unknownPaths();
  return true;
}
