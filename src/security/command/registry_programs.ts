/**
 * Package managers that talk to a registry: `npm`/`pnpm`/`yarn`/`bun`
 * (install, publish, ...) and `pip`. The registry host, `--registry` and
 * index URLs, and package specs that are URLs or git remotes.
 *
 * @module
 */

import type { Effects } from "./effects.ts";
import { url } from "./network_helpers.ts";
import { optionValues, scanOptions } from "./scan_options.ts";
import { type Arg, exact, literalArg } from "./word_value.ts";

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

export function packageManager(exe: string, args: readonly Arg[], fx: Effects): boolean {
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

export function pip(args: readonly Arg[], fx: Effects): boolean {
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
