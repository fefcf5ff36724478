/**
 * The ssh family: `ssh`, `scp`, `sftp`, `rsync`. Destinations and ports
 * (`-p`, `-P`, `-o Port=`, `ssh://`, `host:path`), jump hosts, local files,
 * and the commands they run locally (`-o ProxyCommand=`, `scp -S`,
 * `rsync -e`).
 *
 * @module
 */

import type { Effects } from "./effects.ts";
import { hostPort, portOf } from "./network_helpers.ts";
import { parseScpLike, parseUrl } from "./parse_endpoint.ts";
import { optionValues, type Scanned, scanOptions } from "./scan_options.ts";
import { type Arg, exact, literalArg } from "./word_value.ts";

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

export function ssh(args: readonly Arg[], fx: Effects): boolean {
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

export function scp(args: readonly Arg[], fx: Effects): boolean {
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

export function sftp(args: readonly Arg[], fx: Effects): boolean {
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

export function rsync(args: readonly Arg[], fx: Effects): boolean {
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
