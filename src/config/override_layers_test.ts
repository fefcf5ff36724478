import assert from "node:assert/strict";
import { formatProblem } from "./config_problem.ts";
import { envLayers, parseLooseValue, setLayers } from "./override_layers.ts";
import { resolveConfig } from "./resolve_config.ts";

function plain(x: unknown): unknown {
  return JSON.parse(JSON.stringify(x));
}

Deno.test("parseLooseValue() reads TOML values and falls back to the raw string", async (t) => {
  const cases: [string, unknown][] = [
    ["2", 2],
    ["2.5", 2.5],
    ["-1", -1],
    ["true", true],
    ["false", false],
    ['["/a/**", "/b"]', ["/a/**", "/b"]],
    ["[1, 2]", [1, 2]],
    ["{ a = 1 }", { a: 1 }],
    ['"quoted"', "quoted"],
    ["guided", "guided"],
    ["gpt-4.1", "gpt-4.1"],
    ["https://api.example.com/v1", "https://api.example.com/v1"],
    ["", ""],
    ["1979-05-27", "1979-05-27"],
    ["1\nw = 2", "1\nw = 2"],
    ["[".repeat(100), "[".repeat(100)],
  ];
  for (const [raw, want] of cases) {
    await t.step(
      JSON.stringify(raw).slice(0, 30),
      () => assert.deepEqual(plain(parseLooseValue(raw)), want),
    );
  }
});

Deno.test("envLayers() maps ASTRID_<SECTION>__<KEY> variables to keys and skips others", () => {
  const { layers, problems } = envLayers({
    ASTRID_WORKSPACE__MODE: "guided",
    ASTRID_BUDGET__SESSION_USD: "2",
    ASTRID_POLICY__DENIED_PATHS: '["/secret/**"]',
    ASTRID_HOME: "/tmp/home",
    ASTRID_SYSTEM_CONFIG: "/tmp/system.toml",
    HOME: "/home/me",
    PATH: "/bin",
  });
  assert.deepEqual(problems, []);
  assert.deepEqual(layers.map((l) => l.source), [
    "ASTRID_BUDGET__SESSION_USD",
    "ASTRID_POLICY__DENIED_PATHS",
    "ASTRID_WORKSPACE__MODE",
  ]);
  const r = resolveConfig(layers);
  assert.ok(r.ok);
  assert.equal(r.config.workspace.mode, "guided");
  assert.equal(r.config.budget.session_usd, 2);
  assert.deepEqual(r.config.policy.denied_paths, ["/secret/**"]);
  assert.deepEqual(r.origins["budget.session_usd"], {
    layer: "env",
    source: "ASTRID_BUDGET__SESSION_USD",
  });
});

Deno.test("envLayers() rejects malformed names and resolveConfig() rejects unknown keys, naming the variable", () => {
  const { layers, problems } = envLayers({
    ASTRID_LLM__PRICES__GPT: "1",
    ASTRID___MODE: "x",
    ASTRID_WORKSPACE__MDOE: "guided",
    ASTRID_BUDGET__SESSION_USD: "lots",
  });
  assert.deepEqual(problems.map(formatProblem), [
    'ASTRID_LLM__PRICES__GPT: cannot read environment variable "ASTRID_LLM__PRICES__GPT": expected ASTRID_<SECTION>__<KEY>, e.g. ASTRID_WORKSPACE__MODE',
    'ASTRID___MODE: cannot read environment variable "ASTRID___MODE": expected ASTRID_<SECTION>__<KEY>, e.g. ASTRID_WORKSPACE__MODE',
  ]);
  const r = resolveConfig(layers);
  assert.equal(r.ok, false);
  assert.deepEqual(!r.ok && r.errors.map(formatProblem), [
    'ASTRID_BUDGET__SESSION_USD: budget.session_usd: expected number >= 0 (USD), got "lots"',
    'ASTRID_WORKSPACE__MDOE: workspace.mdoe: unknown key "mdoe" in [workspace]; did you mean "mode"?',
  ]);
});

Deno.test("envLayers() rejects reserved names smuggled through variable names", () => {
  const { layers, problems } = envLayers({
    ASTRID___PROTO____POLLUTED: "1",
    ASTRID_WORKSPACE____PROTO__: "1",
    ASTRID_CONSTRUCTOR__PROTOTYPE: "1",
  });
  assert.equal(problems.length, 2);
  const r = resolveConfig(layers);
  assert.equal(r.ok, false);
  assert.match(
    !r.ok ? formatProblem(r.errors[0]!) : "",
    /constructor: key "constructor" is a reserved name/,
  );
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.keys(Object.prototype).length, 0);
});

Deno.test("setLayers() reads section.key=value, quoted keys and values containing =", () => {
  const { layers, problems } = setLayers([
    "workspace.mode=guided",
    'llm.prices."gpt-4.1"={ input_per_mtok = 2, output_per_mtok = 8 }',
    "llm.base_url=https://example.com/?a=b",
    "budget.session_usd = 3",
  ]);
  assert.deepEqual(problems, []);
  const r = resolveConfig(layers);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  assert.equal(r.config.workspace.mode, "guided");
  assert.deepEqual(r.config.llm.prices["gpt-4.1"], { input_per_mtok: 2, output_per_mtok: 8 });
  assert.equal(r.config.llm.base_url, "https://example.com/?a=b");
  assert.equal(r.config.budget.session_usd, 3);
  assert.deepEqual(r.origins["workspace.mode"], {
    layer: "cli",
    source: "--set workspace.mode=guided",
  });
});

Deno.test("setLayers() lets a later --set win", () => {
  const r = resolveConfig(setLayers(["workspace.mode=guided", "workspace.mode=autonomous"]).layers);
  assert.ok(r.ok);
  assert.equal(r.config.workspace.mode, "autonomous");
});

Deno.test("setLayers() rejects malformed flags with an example of the right form", async (t) => {
  for (const bad of ["mode", "mode=safe", "=x", "a.b\nc.d=1", "[x]=1", "a..b=1", "a.b={"]) {
    await t.step(JSON.stringify(bad), () => {
      const { layers, problems } = setLayers([bad]);
      if (bad === "a.b={") {
        // The value is not TOML, so it is the string "{": a type or key error later.
        assert.equal(problems.length, 0);
        assert.equal(resolveConfig(layers).ok, false);
        return;
      }
      assert.equal(layers.length, 0);
      assert.equal(problems.length, 1);
      assert.match(
        problems[0]!.message,
        /expected section\.key=value, e\.g\. --set workspace\.mode=guided/,
      );
    });
  }
});
