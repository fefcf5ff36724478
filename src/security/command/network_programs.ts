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
import { git } from "./git_program.ts";
import { curl, httpie, urlsOnly, wget } from "./http_programs.ts";
import { hostPort, portOf } from "./network_helpers.ts";
import { parseHostPort, parseUrl } from "./parse_endpoint.ts";
import { packageManager, pip } from "./registry_programs.ts";
import { hasOption, optionValues, scanOptions } from "./scan_options.ts";
import { rsync, scp, sftp, ssh } from "./ssh_programs.ts";
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
