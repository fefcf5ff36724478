import assert from "node:assert/strict";
import { compilePolicy, escapeGlob } from "./compile_policy.ts";
import { defaultPolicyConfig, type PolicyConfig } from "./policy_config.ts";

const scope = { workspace: "/srv/app", home: "/home/u/.astrid" };

function cfg(over: Partial<PolicyConfig>): PolicyConfig {
  return { ...defaultPolicyConfig(), ...over };
}

function throwsNaming(over: Partial<PolicyConfig>, key: string, quoted: string): void {
  assert.throws(
    () => compilePolicy(cfg(over), scope),
    (e: unknown) =>
      e instanceof TypeError && e.message.startsWith(key) && e.message.includes(quoted),
    `expected a TypeError naming ${key}`,
  );
}

Deno.test("compilePolicy() puts the floor first and names each rule", () => {
  const p = compilePolicy(defaultPolicyConfig(), scope);
  assert.deepEqual(p.deniedPaths.slice(0, 6).map((r) => r.rule), [
    "floor:path:/etc/**",
    "floor:path:/boot/**",
    "floor:path:/sys/**",
    "floor:path:/proc/**",
    "floor:path:/dev/**",
    "floor:path:/home/u/.astrid/**",
  ]);
  assert.ok(p.deniedPaths.some((r) => r.rule === "floor:write:/srv/app/.astrid/**"));
  assert.ok(p.deniedPaths.some((r) => r.rule === "floor:write:**/.bashrc"));
  for (const name of ["sudo", "su", "doas", "pkexec"]) {
    assert.equal(p.blockedNames.get(name)?.rule, `floor:command:${name}`);
  }
  assert.equal(p.maxArgumentBytes, 1_048_576);
});

Deno.test("compilePolicy() cannot let config replace a floor command rule", () => {
  const p = compilePolicy(cfg({ blocked_commands: ["sudo", "/usr/bin/rm"] }), scope);
  assert.equal(p.blockedNames.get("sudo")?.rule, "floor:command:sudo");
  assert.equal(p.blockedNames.get("rm")?.rule, "config:policy.blocked_commands[1]");
});

Deno.test("compilePolicy() anchors relative denied globs anywhere and allowed globs at the workspace", () => {
  const p = compilePolicy(cfg({ denied_paths: ["*.pem"], allowed_paths: ["./out/**"] }), scope);
  const denied = p.deniedPaths.at(-1)!;
  assert.equal(denied.pattern, "**/*.pem");
  assert.equal(denied.glob.matches("/anywhere/deep/key.pem"), true);
  assert.equal(p.allowedPaths[0]!.pattern, "/srv/app/out/**");
});

Deno.test("compilePolicy() escapes glob syntax in the workspace and home paths", () => {
  assert.equal(escapeGlob("/srv/[app]{x,y}*"), "/srv/\\[app\\]\\{x\\,y\\}\\*");
  const p = compilePolicy(defaultPolicyConfig(), { workspace: "/srv/[ab]", home: "/h/*" });
  const ws = p.deniedPaths.find((r) => r.rule.endsWith("/.astrid/**"))!;
  assert.equal(ws.glob.matches("/srv/[ab]/.astrid/config.toml"), true);
  assert.equal(ws.glob.matches("/srv/a/.astrid/config.toml"), false);
  const home = p.deniedPaths.find((r) => r.rule === "floor:path:/h/\\*/**")!;
  assert.equal(home.glob.matches("/h/*/keys"), true);
  assert.equal(home.glob.matches("/h/other/keys"), false);
});

Deno.test("compilePolicy() rejects invalid entries with the key and value", async (t) => {
  await t.step(
    "bad glob",
    () => throwsNaming({ denied_paths: ["/a/[b"] }, "policy.denied_paths[0]", "/a/[b"),
  );
  await t.step(
    "dot-dot",
    () => throwsNaming({ denied_paths: ["/x", "../y"] }, "policy.denied_paths[1]", "../y"),
  );
  await t.step(
    "tilde",
    () => throwsNaming({ allowed_paths: ["~/x"] }, "policy.allowed_paths[0]", "~/x"),
  );
  await t.step(
    "host port",
    () => throwsNaming({ denied_hosts: ["a.com:70000"] }, "policy.denied_hosts[0]", "70000"),
  );
  await t.step(
    "empty command",
    () => throwsNaming({ blocked_commands: ["/"] }, "policy.blocked_commands[0]", `"/"`),
  );
  await t.step(
    "empty tool",
    () => throwsNaming({ always_ask_tools: [""] }, "policy.always_ask_tools[0]", `""`),
  );
  for (const bad of [0, -1, 1.5, Number.NaN, Infinity]) {
    await t.step(
      `max_argument_bytes ${bad}`,
      () =>
        throwsNaming(
          { max_argument_bytes: bad },
          "policy.max_argument_bytes",
          String(bad === Infinity || Number.isNaN(bad) ? "null" : bad),
        ),
    );
  }
});

Deno.test("compilePolicy() refuses a workspace or home that is not canonical", () => {
  for (const bad of ["", "rel", "/a/../b", "/a/", "/a//b", "/a/./b", "/a\0"]) {
    assert.throws(
      () => compilePolicy(defaultPolicyConfig(), { workspace: bad, home: "/h" }),
      TypeError,
      bad,
    );
    assert.throws(
      () => compilePolicy(defaultPolicyConfig(), { workspace: "/w", home: bad }),
      TypeError,
      bad,
    );
  }
  compilePolicy(defaultPolicyConfig(), { workspace: "/", home: "/h" });
});
