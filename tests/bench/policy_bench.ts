/**
 * Policy-stage cost. Target (issue 3): policy-only evaluation of a 20-rule
 * policy under 5 us. Canonicalization uses the real file system (about 5.6 us
 * per `realpath` on this kind of machine), so it is measured separately.
 *
 *   deno bench --allow-all tests/bench/policy_bench.ts
 */

import type { Action } from "../../src/security/action.ts";
import { classifyToolCall } from "../../src/security/classify/mod.ts";
import { canonicalizePath } from "../../src/security/path/mod.ts";
import {
  compilePolicy,
  evaluatePolicy,
  modeDecision,
  type PolicyConfig,
} from "../../src/security/policy/mod.ts";
import { denoFsProbe } from "../../src/workspace/deno_fs_probe.ts";

const root = Deno.realPathSync(Deno.makeTempDirSync({ prefix: "astrid_policy_bench_" }));
const ws = `${root}/project`;
Deno.mkdirSync(`${ws}/src/lib/deep`, { recursive: true });
Deno.writeTextFileSync(`${ws}/src/lib/deep/file.ts`, "x");
Deno.symlinkSync(`${ws}/src/lib`, `${ws}/lib-link`);
globalThis.addEventListener("unload", () => Deno.removeSync(root, { recursive: true }));

// 20 configured rules on top of the floor.
const cfg: PolicyConfig = {
  blocked_commands: ["rm", "dd", "mkfs*", "/usr/sbin/shutdown"],
  denied_paths: ["**/*.pem", "**/.env", "/var/lib/**", "secrets/**", "/opt/prod/**", "**/id_rsa*"],
  allowed_paths: ["/tmp/**", "/usr/share/doc/**", "build/**"],
  denied_hosts: ["*.evil.com", "169.254.169.254", "metadata.google.internal", "*:25"],
  allowed_hosts: [],
  max_argument_bytes: 1_048_576,
  always_ask_tools: ["mcp:github:*", "task", "edit_file"],
  blocked_capsules: [],
};
const policy = compilePolicy(cfg, { workspace: ws, home: `${root}/home` });
const settings = { mode: "guided", escape_policy: "ask", read_allowlist: ["docs/**"] } as const;

const read: Action = { kind: "file_read", path: `${ws}/src/lib/deep/file.ts`, inWorkspace: true };
const write: Action = { kind: "file_write", path: `${ws}/src/lib/deep/file.ts`, inWorkspace: true };
const command: Action = { kind: "command", command: "git status", cwd: ws, executables: ["git"] };
const network: Action = { kind: "network", host: "api.github.com", port: 443 };
const deniedEtc: Action = { kind: "file_read", path: "/etc/shadow" };
const meta = { tool: "read_file", argBytes: 64 };

Deno.bench("evaluatePolicy: read inside the workspace, 20 rules, no match", {
  group: "policy",
  baseline: true,
}, () => {
  evaluatePolicy(policy, read, meta);
});
Deno.bench("evaluatePolicy: write inside the workspace (start-up file rules too)", {
  group: "policy",
}, () => {
  evaluatePolicy(policy, write, { tool: "write_file", argBytes: 200 });
});
Deno.bench("evaluatePolicy: command", { group: "policy" }, () => {
  evaluatePolicy(policy, command, { tool: "bash", argBytes: 30 });
});
Deno.bench(
  "evaluatePolicy: network (host normalization + 4 host rules)",
  { group: "policy" },
  () => {
    evaluatePolicy(policy, network, { tool: "mcp:fetch:get", argBytes: 30 });
  },
);
Deno.bench("evaluatePolicy: floor deny of /etc/shadow", { group: "policy" }, () => {
  evaluatePolicy(policy, deniedEtc, meta);
});
Deno.bench("modeDecision: guided write inside the workspace", { group: "policy" }, () => {
  modeDecision(write, settings, policy);
});
Deno.bench("compilePolicy: 20 rules + floor (globs cached after the first run)", {
  group: "compile",
}, () => {
  compilePolicy(cfg, { workspace: ws, home: `${root}/home` });
});

Deno.bench("canonicalizePath: existing file (1 realpath)", {
  group: "canonicalize",
  baseline: true,
}, () => {
  canonicalizePath("src/lib/deep/file.ts", ws, denoFsProbe);
});
Deno.bench(
  "canonicalizePath: new file in an existing folder (2 probes)",
  { group: "canonicalize" },
  () => {
    canonicalizePath("src/lib/deep/new.ts", ws, denoFsProbe);
  },
);
Deno.bench(
  "canonicalizePath: through a symlink with .. (3 probes)",
  { group: "canonicalize" },
  () => {
    canonicalizePath("lib-link/deep/../deep/file.ts", ws, denoFsProbe);
  },
);
Deno.bench("classifyToolCall: read_file (workspace, cwd and path resolved)", {
  group: "canonicalize",
}, () => {
  classifyToolCall("read_file", { path: "src/lib/deep/file.ts" }, {
    cwd: ws,
    workspace: ws,
    probe: denoFsProbe,
  });
});
