import assert from "node:assert/strict";
import type { Action } from "../action.ts";
import { compilePolicy } from "./compile_policy.ts";
import {
  evaluateCallPolicy,
  evaluatePolicy,
  isInside,
  type PolicyDecision,
  unsafePathReason,
} from "./evaluate_policy.ts";
import { defaultPolicyConfig, type PolicyConfig } from "./policy_config.ts";

const WS = "/srv/app";
const HOME = "/home/u/.astrid";

function policy(over: Partial<PolicyConfig> = {}) {
  return compilePolicy({ ...defaultPolicyConfig(), ...over }, { workspace: WS, home: HOME });
}

const read = (path: string): Action => ({ kind: "file_read", path });
const write = (path: string): Action => ({ kind: "file_write", path });
const del = (path: string): Action => ({ kind: "file_delete", path });
const cmd = (executables: string[], command = executables.join(" ")): Action => ({
  kind: "command",
  command,
  cwd: WS,
  executables,
});
const net = (host: string, port = 443): Action => ({ kind: "network", host, port });

function denied(d: PolicyDecision, rule: string, quoted?: string): void {
  assert.equal(d.kind, "deny", `expected deny by ${rule}, got ${JSON.stringify(d)}`);
  if (d.kind !== "deny") return;
  assert.equal(d.rule, rule);
  if (quoted !== undefined) assert.ok(d.reason.includes(`"${quoted}"`), d.reason);
}

const allowed = (d: PolicyDecision) => assert.deepEqual(d, { kind: "allow" });

Deno.test("evaluatePolicy() denies the floor's system paths for every access", async (t) => {
  const p = policy();
  for (
    const path of [
      "/etc/shadow",
      "/etc",
      "/boot/vmlinuz",
      "/sys/kernel",
      "/proc/self/environ",
      "/dev/sda",
    ]
  ) {
    await t.step(path, () => {
      const root = `/${path.split("/")[1]}/**`;
      for (const a of [read(path), write(path), del(path)]) {
        denied(evaluatePolicy(p, a), `floor:path:${root}`, path);
      }
    });
  }
});

Deno.test("evaluatePolicy() allows /dev/null reads and writes and /dev/zero, /dev/urandom reads only", () => {
  const p = policy();
  allowed(evaluatePolicy(p, read("/dev/null")));
  allowed(evaluatePolicy(p, write("/dev/null")));
  allowed(evaluatePolicy(p, read("/dev/zero")));
  allowed(evaluatePolicy(p, read("/dev/urandom")));
  denied(evaluatePolicy(p, del("/dev/null")), "floor:path:/dev/**");
  denied(evaluatePolicy(p, write("/dev/zero")), "floor:path:/dev/**");
  denied(evaluatePolicy(p, write("/dev/urandom")), "floor:path:/dev/**");
  denied(evaluatePolicy(p, read("/dev/random2")), "floor:path:/dev/**");
  denied(evaluatePolicy(p, write("/dev/stdout")), "floor:path:/dev/**");
  denied(evaluatePolicy(p, read("/dev/tcp/1.2.3.4/80")), "floor:path:/dev/**");
  // Config can still deny the exceptions.
  denied(
    evaluatePolicy(policy({ denied_paths: ["/dev/null"] }), write("/dev/null")),
    "config:policy.denied_paths[0]",
  );
});

Deno.test("evaluatePolicy() denies writes to start-up files anywhere but lets them be read", async (t) => {
  const p = policy();
  const table: [string, string][] = [
    ["/home/u/.bashrc", "**/.bashrc"],
    ["/srv/app/.zshrc", "**/.zshrc"],
    ["/home/u/.profile", "**/.profile"],
    ["/home/u/.bash_profile", "**/.bash_profile"],
    ["/home/u/.gitconfig", "**/.gitconfig"],
    ["/srv/app/.git/hooks/pre-commit", "**/.git/hooks/**"],
    ["/srv/app/.git/hooks", "**/.git/hooks/**"],
    ["/srv/app/sub/.git/config", "**/.git/config"],
    ["/srv/app/.mcp.json", "**/.mcp.json"],
    ["/srv/app/.BASHRC", "**/.bashrc"],
  ];
  for (const [path, pattern] of table) {
    await t.step(path, () => {
      denied(evaluatePolicy(p, write(path)), `floor:write:${pattern}`, path);
      denied(evaluatePolicy(p, del(path)), `floor:write:${pattern}`, path);
      allowed(evaluatePolicy(p, read(path)));
    });
  }
  allowed(evaluatePolicy(p, write("/srv/app/.bashrc.d/notes.txt")));
  allowed(evaluatePolicy(p, write("/srv/app/.git/HEAD")));
});

Deno.test("evaluatePolicy() protects Astrid's own config, keys and state", () => {
  const p = policy();
  denied(
    evaluatePolicy(p, write(`${HOME}/config.toml`)),
    `floor:path:${HOME}/**`,
    `${HOME}/config.toml`,
  );
  denied(evaluatePolicy(p, read(`${HOME}/keys/runtime.key`)), `floor:path:${HOME}/**`);
  denied(evaluatePolicy(p, del(HOME)), `floor:path:${HOME}/**`);
  denied(evaluatePolicy(p, write(`${WS}/.astrid/config.toml`)), `floor:write:${WS}/.astrid/**`);
  denied(evaluatePolicy(p, del(`${WS}/.astrid`)), `floor:write:${WS}/.astrid/**`);
  allowed(evaluatePolicy(p, read(`${WS}/.astrid/config.toml`)));
  denied(evaluatePolicy(p, write("/etc/astrid/config.toml")), "floor:path:/etc/**");
  allowed(evaluatePolicy(p, write(`${WS}/.astridx/file`)));
  allowed(evaluatePolicy(p, write(`${HOME}x/file`)));
});

Deno.test("evaluatePolicy() blocks floor commands by base name, path and case", async (t) => {
  const p = policy();
  for (
    const exe of [
      "sudo",
      "/usr/bin/sudo",
      "./sudo",
      "SUDO",
      "/usr/local/bin/doas",
      "su",
      "pkexec",
      "sudo/",
    ]
  ) {
    await t.step(exe, () => {
      const d = evaluatePolicy(p, cmd(["ls", exe]));
      assert.equal(d.kind, "deny");
      assert.match(d.kind === "deny" ? d.rule : "", /^floor:command:/);
      assert.ok(d.kind === "deny" && d.reason.includes(`"${exe}"`));
    });
  }
  allowed(evaluatePolicy(p, cmd(["sudoku", "ls"])));
  allowed(evaluatePolicy(p, cmd(["subl"])));
});

Deno.test("evaluatePolicy() blocks configured commands: names, paths and globs", () => {
  const p = policy({ blocked_commands: ["rm", "/opt/bin/deploy", "python*"] });
  denied(evaluatePolicy(p, cmd(["/bin/rm"])), "config:policy.blocked_commands[0]", "/bin/rm");
  denied(evaluatePolicy(p, cmd(["deploy"])), "config:policy.blocked_commands[1]");
  denied(evaluatePolicy(p, cmd(["python3.12"])), "config:policy.blocked_commands[2]");
  allowed(evaluatePolicy(p, cmd(["rmdir"])));
});

Deno.test("evaluatePolicy() reads blocked words from lines the analyser could not see into", () => {
  const p = policy();
  const opaque = (command: string, extra: Partial<Action & { kind: "command" }>): Action => ({
    kind: "command",
    command,
    cwd: WS,
    ...extra,
  });
  denied(
    evaluatePolicy(
      p,
      opaque(`echo "$(s"u"do id`, { executables: ["<unparseable>"], unparseable: true }),
    ),
    "floor:command:sudo",
  );
  denied(
    evaluatePolicy(
      p,
      opaque(`python -c 'os.system("sudo id")'`, { executables: ["python"], inlineEval: true }),
    ),
    "floor:command:sudo",
  );
  denied(evaluatePolicy(p, opaque("FOO=1 /usr/bin/sudo id", {})), "floor:command:sudo");
  // A parsed line is trusted to the analyser: `grep sudo` runs grep, not sudo.
  allowed(evaluatePolicy(p, opaque("grep sudo notes.txt", { executables: ["grep"] })));
});

Deno.test("evaluatePolicy() denies a command whose working directory is denied", () => {
  denied(
    evaluatePolicy(policy(), { kind: "command", command: "ls", cwd: "/proc", executables: ["ls"] }),
    "floor:path:/proc/**",
  );
});

Deno.test("evaluatePolicy() defensively denies paths that are not canonical", async (t) => {
  const p = policy();
  for (
    const path of [
      "relative/x",
      "/srv/app/../../etc/passwd",
      "/srv/app/a\0b",
      "/srv/app/./x",
      "/srv//app",
      "/srv/app/",
      "",
      "..",
    ]
  ) {
    await t.step(JSON.stringify(path), () => {
      denied(evaluatePolicy(p, read(path)), "policy:path:unresolvable");
      denied(evaluatePolicy(p, write(path)), "policy:path:unresolvable");
    });
  }
  denied(
    evaluatePolicy(p, { kind: "command", command: "ls", cwd: "../x", executables: ["ls"] }),
    "policy:path:unresolvable",
  );
  assert.equal(unsafePathReason("/"), undefined);
});

Deno.test("evaluatePolicy() applies configured denied paths, case-insensitively, to all access", () => {
  const p = policy({ denied_paths: ["/srv/app/secrets/**", "*.pem"] });
  denied(
    evaluatePolicy(p, read("/srv/app/secrets/db.txt")),
    "config:policy.denied_paths[0]",
    "/srv/app/secrets/db.txt",
  );
  denied(evaluatePolicy(p, read("/srv/app/Secrets/db.txt")), "config:policy.denied_paths[0]");
  denied(evaluatePolicy(p, write("/tmp/x/key.pem")), "config:policy.denied_paths[1]");
  allowed(evaluatePolicy(p, read("/srv/app/secrets-public/readme")));
});

Deno.test("evaluatePolicy() with allowed_paths denies paths outside them and the workspace", () => {
  const p = policy({ allowed_paths: ["/tmp/**", "build/**"] });
  allowed(evaluatePolicy(p, write("/srv/app/src/x.ts")));
  allowed(evaluatePolicy(p, write("/tmp/scratch")));
  allowed(evaluatePolicy(p, read("/srv/app")));
  denied(
    evaluatePolicy(p, read("/srv/app-other/x")),
    "config:policy.allowed_paths",
    "/srv/app-other/x",
  );
  denied(evaluatePolicy(p, read("/home/u/notes")), "config:policy.allowed_paths");
  denied(
    evaluatePolicy(p, { kind: "command", command: "ls", cwd: "/var", executables: ["ls"] }),
    "config:policy.allowed_paths",
  );
  // An allow list never overrides a deny.
  denied(
    evaluatePolicy(policy({ allowed_paths: ["/etc/**"] }), read("/etc/hosts")),
    "floor:path:/etc/**",
  );
  // Empty allow list: no restriction beyond denies.
  allowed(evaluatePolicy(policy(), read("/srv/app-other/x")));
});

Deno.test("evaluatePolicy() matches denied host globs without look-alike confusion", () => {
  const p = policy({ denied_hosts: ["*.example.com", "evil.com:8080", "127.0.0.1"] });
  denied(
    evaluatePolicy(p, net("api.example.com")),
    "config:policy.denied_hosts[0]",
    "api.example.com:443",
  );
  denied(evaluatePolicy(p, net("API.Example.COM.")), "config:policy.denied_hosts[0]");
  allowed(evaluatePolicy(p, net("example.com.evil.com")));
  allowed(evaluatePolicy(p, net("example.com")));
  denied(evaluatePolicy(p, net("evil.com", 8080)), "config:policy.denied_hosts[1]");
  allowed(evaluatePolicy(p, net("evil.com", 443)));
  denied(evaluatePolicy(p, net("0x7f.1", 80)), "config:policy.denied_hosts[2]");
  denied(evaluatePolicy(p, net("2130706433", 80)), "config:policy.denied_hosts[2]");
  denied(evaluatePolicy(p, net("[::ffff:127.0.0.1]", 80)), "config:policy.denied_hosts[2]");
  denied(
    evaluatePolicy(p, {
      kind: "capsule_http",
      capsule: "c",
      host: "x.example.com",
      port: 443,
      url: "https://x.example.com/",
      method: "GET",
    }),
    "config:policy.denied_hosts[0]",
  );
});

Deno.test("evaluatePolicy() with allowed_hosts denies every other host", () => {
  const p = policy({ allowed_hosts: ["api.github.com:443", "*.npmjs.org"] });
  allowed(evaluatePolicy(p, net("api.github.com")));
  allowed(evaluatePolicy(p, net("registry.npmjs.org", 80)));
  denied(
    evaluatePolicy(p, net("api.github.com", 22)),
    "config:policy.allowed_hosts",
    "api.github.com:22",
  );
  denied(evaluatePolicy(p, net("github.com")), "config:policy.allowed_hosts");
  denied(evaluatePolicy(p, net("npmjs.org.evil.com")), "config:policy.allowed_hosts");
  // A denied host stays denied even when allowed.
  const both = policy({ allowed_hosts: ["*.example.com"], denied_hosts: ["bad.example.com"] });
  denied(evaluatePolicy(both, net("bad.example.com")), "config:policy.denied_hosts[0]");
});

Deno.test("evaluatePolicy() denies invalid hosts and ports", () => {
  const p = policy();
  for (const host of ["", "a b", "evil.com/x", "user@evil.com", "x..y"]) {
    denied(evaluatePolicy(p, net(host)), "policy:host:invalid");
  }
  for (const port of [-1, 65536, 1.5, Number.NaN]) {
    denied(evaluatePolicy(p, net("a.com", port)), "policy:host:invalid");
  }
});

Deno.test("evaluatePolicy() enforces max_argument_bytes, including the default 1 MiB", () => {
  const p = policy({ max_argument_bytes: 100 });
  allowed(evaluatePolicy(p, read("/srv/app/x"), { argBytes: 100 }));
  denied(
    evaluatePolicy(p, read("/srv/app/x"), { argBytes: 101 }),
    "config:policy.max_argument_bytes",
  );
  denied(
    evaluatePolicy(policy(), read("/srv/app/x"), { argBytes: 1_048_577 }),
    "config:policy.max_argument_bytes",
  );
  allowed(evaluatePolicy(policy(), read("/srv/app/x"), { argBytes: 1_048_576 }));
  for (const bad of [-1, Number.NaN, Infinity]) {
    denied(evaluatePolicy(p, read("/srv/app/x"), { argBytes: bad }), "policy:arguments");
  }
});

Deno.test("evaluatePolicy() blocks capsules named in the meta or the action", () => {
  const p = policy({ blocked_capsules: ["evil-*", "spy"] });
  denied(
    evaluatePolicy(p, { kind: "capsule_exec", capsule: "evil-miner", capability: "run" }),
    "config:policy.blocked_capsules[0]",
    "evil-miner",
  );
  denied(
    evaluatePolicy(p, read("/srv/app/x"), { capsule: "spy" }),
    "config:policy.blocked_capsules[1]",
  );
  denied(
    evaluatePolicy(p, { kind: "capsule_file", capsule: "spy", path: "/srv/app/x", op: "read" }),
    "config:policy.blocked_capsules[1]",
  );
  allowed(evaluatePolicy(p, { kind: "capsule_exec", capsule: "good", capability: "run" }));
});

Deno.test("evaluatePolicy() asks for always-ask tools, but a deny still wins", () => {
  const p = policy({ always_ask_tools: ["write_file", "mcp:github:*"] });
  assert.deepEqual(evaluatePolicy(p, write("/srv/app/x"), { tool: "write_file" }), {
    kind: "ask",
    rule: "config:policy.always_ask_tools[0]",
    reason: `Tool "write_file" always needs approval (policy.always_ask_tools[0] "write_file")`,
  });
  assert.equal(
    evaluatePolicy(p, { kind: "mcp_tool", server: "github", tool: "create_issue" }).kind,
    "ask",
  );
  denied(evaluatePolicy(p, write("/etc/x"), { tool: "write_file" }), "floor:path:/etc/**");
  allowed(evaluatePolicy(p, read("/srv/app/x"), { tool: "read_file" }));
});

Deno.test("evaluatePolicy() checks capsule file operations as reads, writes or deletes", () => {
  const p = policy();
  const cf = (op: "read" | "write" | "mkdir" | "delete" | "stat", path: string): Action => ({
    kind: "capsule_file",
    capsule: "c",
    path,
    op,
  });
  allowed(evaluatePolicy(p, cf("read", "/srv/app/.bashrc")));
  allowed(evaluatePolicy(p, cf("stat", "/srv/app/.bashrc")));
  denied(evaluatePolicy(p, cf("write", "/srv/app/.bashrc")), "floor:write:**/.bashrc");
  denied(evaluatePolicy(p, cf("mkdir", "/srv/app/.git/hooks/x")), "floor:write:**/.git/hooks/**");
  denied(evaluatePolicy(p, cf("delete", "/srv/app/.mcp.json")), "floor:write:**/.mcp.json");
});

Deno.test("isInside() is a prefix check on whole path segments", () => {
  assert.equal(isInside("/srv/app", "/srv/app"), true);
  assert.equal(isInside("/srv/app", "/srv/app/x"), true);
  assert.equal(isInside("/srv/app", "/srv/app-other"), false);
  assert.equal(isInside("/srv/app", "/srv/ap"), false);
  assert.equal(isInside("/", "/anything"), true);
});

Deno.test("evaluateCallPolicy() applies size, capsule and always-ask rules to a call without actions", () => {
  const p = policy({ max_argument_bytes: 10, always_ask_tools: ["task"], blocked_capsules: ["*"] });
  denied(evaluateCallPolicy(p, { tool: "task", argBytes: 11 }), "config:policy.max_argument_bytes");
  denied(
    evaluateCallPolicy(p, { tool: "task", capsule: "c" }),
    "config:policy.blocked_capsules[0]",
  );
  assert.equal(evaluateCallPolicy(p, { tool: "task", argBytes: 5 }).kind, "ask");
  allowed(evaluateCallPolicy(p, { tool: "read_file", argBytes: 5 }));
});

Deno.test("evaluatePolicy() reads blocked words when the program name is dynamic", () => {
  const a: Action = {
    kind: "command",
    command: "$(echo sudo) id",
    cwd: WS,
    executables: ["<dynamic>"],
  };
  denied(evaluatePolicy(policy(), a), "floor:command:sudo");
  allowed(evaluatePolicy(policy(), { ...a, command: "$X id" }));
});

Deno.test("evaluatePolicy() handles destinations the analyser could not pin down", async (t) => {
  const remote = net("<git-remote>", 0);
  await t.step("no host rules: no objection", () => allowed(evaluatePolicy(policy(), remote)));
  await t.step("allow list: deny, it cannot be matched", () => {
    denied(
      evaluatePolicy(policy({ allowed_hosts: ["github.com"] }), remote),
      "config:policy.allowed_hosts",
      "<git-remote>",
    );
    denied(
      evaluatePolicy(policy({ allowed_hosts: ["*"] }), net("<dynamic>", 0)),
      "config:policy.allowed_hosts",
    );
  });
  await t.step("deny list only: ask a human", () => {
    const d = evaluatePolicy(policy({ denied_hosts: ["evil.com"] }), remote);
    assert.deepEqual([d.kind, d.kind !== "allow" && d.rule], ["ask", "policy:host:unknown"]);
  });
  await t.step("known host, unknown port", () => {
    denied(
      evaluatePolicy(policy({ denied_hosts: ["evil.com"] }), net("evil.com", 0)),
      "config:policy.denied_hosts[0]",
    );
    assert.equal(
      evaluatePolicy(policy({ denied_hosts: ["evil.com:22"] }), net("evil.com", 0)).kind,
      "ask",
    );
    allowed(evaluatePolicy(policy({ allowed_hosts: ["github.com"] }), net("github.com", 0)));
    denied(
      evaluatePolicy(policy({ allowed_hosts: ["github.com:443"] }), net("github.com", 0)),
      "config:policy.allowed_hosts",
    );
  });
  await t.step("a policy ask never hides a later deny", () => {
    const p = policy({ denied_hosts: ["evil.com"], blocked_capsules: ["c"] });
    const a: Action = {
      kind: "capsule_http",
      capsule: "c",
      host: "<dynamic>",
      port: 0,
      url: "",
      method: "GET",
    };
    denied(evaluatePolicy(p, a), "config:policy.blocked_capsules[0]");
  });
});
