/**
 * `git`: the remotes that push, pull, fetch, clone and ls-remote reach
 * (`<git-remote>` for a remote name), and the options and settings that make
 * git run programs (`-c`, `--upload-pack`, `ext::`, `git config core.*`).
 *
 * @module
 */

import type { Effects } from "./effects.ts";
import { parseScpLike, parseUrl } from "./parse_endpoint.ts";
import { hasOption, optionValues, scanOptions } from "./scan_options.ts";
import { type Arg, exact, literalArg } from "./word_value.ts";

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

export function git(args: readonly Arg[], fx: Effects): boolean {
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
