/**
 * HTTP clients: `curl`, `wget`, `http`/`https`/`xh` (HTTPie), `aria2c`. The
 * hosts they reach and the local files they read (`-d @file`, `-T`) and
 * write (`-o`, `-O`).
 *
 * @module
 */

import type { Effects } from "./effects.ts";
import { dataFile, url } from "./network_helpers.ts";
import { hasOption, optionValues, scanOptions } from "./scan_options.ts";
import { type Arg, exact, literalArg } from "./word_value.ts";

export function curl(args: readonly Arg[], fx: Effects): boolean {
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

export function wget(args: readonly Arg[], fx: Effects): boolean {
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

export function httpie(exe: string, args: readonly Arg[], fx: Effects): boolean {
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

export function urlsOnly(args: readonly Arg[], fx: Effects, scheme: string): boolean {
  for (const a of args) {
    const t = a.text;
    if (t !== null && !t.startsWith("-") && /[.:]/.test(t)) url(a, fx, scheme);
  }
  fx.unknownPaths();
  return true;
}
