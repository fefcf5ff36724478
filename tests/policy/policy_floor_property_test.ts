/**
 * Property tests: no configuration removes the built-in floor.
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import type { Action } from "../../src/security/action.ts";
import {
  compilePolicy,
  evaluatePolicy,
  modeDecision,
  type PolicyConfig,
} from "../../src/security/policy/mod.ts";

const WS = "/srv/app";
const HOME = "/home/u/.astrid";

/** Entries an attacker-minded admin (or a hostile repo) might try, plus noise. */
const hostilePaths = fc.constantFrom(
  "/etc/**",
  "!/etc/**",
  "/etc/shadow",
  "**",
  "*",
  "/",
  "/**",
  "**/.bashrc",
  "/home/u/.astrid/**",
  "/home/u/**",
  "etc/**",
  "./x",
  "{a,b}",
);
const hostileNames = fc.constantFrom("sudo", "!sudo", "/usr/bin/sudo", "*", "su*", "doas", "x");
const hostileHosts = fc.constantFrom("*", "*.example.com", "*:*", "[::1]:*", "localhost");
// Arbitrary text too, rarely: most of it is invalid and would make the run vacuous.
const noise = fc.string({ minLength: 1, maxLength: 12 }).filter((x) => x.charCodeAt(0) % 4 === 0);
const paths = fc.array(
  fc.oneof(hostilePaths, fc.stringMatching(/^[a-z/.*!]{1,12}$/), noise),
  { maxLength: 5 },
);
const names = fc.array(
  fc.oneof(hostileNames, fc.stringMatching(/^[a-z0-9_*!.-]{1,10}$/), noise),
  { maxLength: 5 },
);
const hosts = fc.array(
  fc.oneof(hostileHosts, fc.stringMatching(/^[a-z0-9*][a-z0-9.*]{0,9}(:[0-9]{1,4})?$/)),
  { maxLength: 5 },
);

const config: fc.Arbitrary<PolicyConfig> = fc.record({
  blocked_commands: names,
  denied_paths: paths,
  allowed_paths: paths,
  denied_hosts: hosts,
  allowed_hosts: hosts,
  max_argument_bytes: fc.oneof(
    fc.integer({ min: 1, max: 1 << 30 }),
    fc.constant(Number.MAX_SAFE_INTEGER),
  ),
  always_ask_tools: names,
  blocked_capsules: names,
});

function tryCompile(cfg: PolicyConfig) {
  try {
    return compilePolicy(cfg, { workspace: WS, home: HOME });
  } catch (e) {
    // Invalid config refuses to start; it never compiles into something weaker.
    assert.ok(e instanceof TypeError, String(e));
    return undefined;
  }
}

const floorDenied: [string, Action][] = [
  ["read /etc/shadow", { kind: "file_read", path: "/etc/shadow" }],
  ["write /etc/passwd", { kind: "file_write", path: "/etc/passwd" }],
  ["read /proc/self/environ", { kind: "file_read", path: "/proc/self/environ" }],
  ["write /dev/sda", { kind: "file_write", path: "/dev/sda" }],
  ["sudo", { kind: "command", command: "sudo id", cwd: WS, executables: ["sudo"] }],
  ["/usr/bin/sudo", {
    kind: "command",
    command: "/usr/bin/sudo id",
    cwd: WS,
    executables: ["ls", "/usr/bin/sudo"],
  }],
  ["doas", { kind: "command", command: "doas id", cwd: WS, executables: ["doas"] }],
  ["write ~/.bashrc", { kind: "file_write", path: "/home/u/.bashrc" }],
  ["write .git/hooks", { kind: "file_write", path: `${WS}/.git/hooks/pre-commit` }],
  ["write home config", { kind: "file_write", path: `${HOME}/config.toml` }],
  ["read home key", { kind: "file_read", path: `${HOME}/keys/runtime.key` }],
  ["write workspace config", { kind: "file_write", path: `${WS}/.astrid/config.toml` }],
  ["unresolvable path", { kind: "file_read", path: `${WS}/../etc/shadow` }],
];

Deno.test("property: no policy config unblocks the floor (paths, sudo, start-up files, Astrid's own files)", () => {
  let compiled = 0;
  fc.assert(
    fc.property(
      config,
      fc.string({ maxLength: 20 }),
      fc.integer({ min: 0, max: 1 << 20 }),
      (cfg, tool, argBytes) => {
        const policy = tryCompile(cfg);
        if (!policy) return;
        compiled++;
        for (const [name, action] of floorDenied) {
          const d = evaluatePolicy(policy, action, { tool, argBytes });
          assert.equal(d.kind, "deny", `${name} was ${d.kind} under ${JSON.stringify(cfg)}`);
        }
      },
    ),
    { numRuns: 400 },
  );
  assert.ok(
    compiled > 200,
    `only ${compiled} of 400 generated configs compiled: the property is too weak`,
  );
});

Deno.test("property: a path with .. or NUL, or a relative path, is never allowed", () => {
  const segment = fc.oneof(
    fc.constantFrom("..", ".", "", "a", "etc", "\0"),
    fc.string({ maxLength: 4 }),
  );
  const path = fc.array(segment, { minLength: 1, maxLength: 6 }).map((s) => s.join("/"));
  const policy = compilePolicy({
    blocked_commands: [],
    denied_paths: [],
    allowed_paths: [],
    denied_hosts: [],
    allowed_hosts: [],
    max_argument_bytes: 1 << 20,
    always_ask_tools: [],
    blocked_capsules: [],
  }, { workspace: WS, home: HOME });
  fc.assert(
    fc.property(fc.oneof(path, path.map((p) => `/${p}`)), (p) => {
      const bad = !p.startsWith("/") || p.includes("\0") ||
        p.split("/").some((s) => s === "..");
      if (!bad) return;
      for (const kind of ["file_read", "file_write", "file_delete"] as const) {
        assert.equal(evaluatePolicy(policy, { kind, path: p }).kind, "deny", JSON.stringify(p));
      }
    }),
    { numRuns: 500 },
  );
});

Deno.test("property: in every mode, nothing outside the workspace is allowed without a human", () => {
  const outside = fc.constantFrom(
    "/tmp/x",
    "/srv/app-other/x",
    "/srv/ap",
    "/home/u/.ssh/id_rsa",
    "/",
    "/srv",
  );
  const mode = fc.constantFrom("safe", "guided", "autonomous") as fc.Arbitrary<
    "safe" | "guided" | "autonomous"
  >;
  const escape = fc.constantFrom("ask", "deny") as fc.Arbitrary<"ask" | "deny">;
  const kind = fc.constantFrom("file_read", "file_write", "file_delete") as fc.Arbitrary<
    "file_read" | "file_write" | "file_delete"
  >;
  fc.assert(
    fc.property(outside, mode, escape, kind, fc.boolean(), (path, m, e, k, lie) => {
      const d = modeDecision({ kind: k, path, inWorkspace: lie }, {
        mode: m,
        escape_policy: e,
        read_allowlist: ["**", "*.md"],
      }, { workspace: WS });
      assert.equal(d.kind, e, `${k} ${path} in ${m}: ${JSON.stringify(d)}`);
    }),
  );
});
