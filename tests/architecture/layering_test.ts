import assert from "node:assert/strict";
import { checkImports, findAmbientUse, layerOf, stripComments } from "./layering.ts";

Deno.test("layerOf() places files by concern and leaves unknown places in no layer", () => {
  assert.equal(layerOf("src/main.ts"), "main");
  assert.equal(layerOf("src/core/mod.ts"), "core");
  assert.equal(layerOf("src/security/path/fs_probe.ts"), "security");
  assert.equal(layerOf("src/config/schema.ts"), "config");
  assert.equal(layerOf("src/frontends/cli/program.ts"), "frontends");
  assert.equal(layerOf("src/helpers.ts"), null);
  assert.equal(layerOf("src/misc/x.ts"), null);
  assert.equal(layerOf("scripts/compile.ts"), null);
});

Deno.test("checkImports() accepts imports that point down the layers", () => {
  assert.deepEqual(
    checkImports([
      { from: "src/main.ts", to: "src/frontends/cli/mod.ts" },
      { from: "src/frontends/cli/program.ts", to: "src/storage/mod.ts" },
      { from: "src/frontends/cli/program.ts", to: "src/frontends/cli/context.ts" },
      { from: "src/runtime/agent.ts", to: "src/llm/mod.ts" },
      { from: "src/config/load.ts", to: "src/storage/mod.ts" },
      { from: "src/config/load.ts", to: "src/config/schema.ts" },
      { from: "src/storage/key_store.ts", to: "src/security/keyring.ts" },
      { from: "src/security/keyring.ts", to: "src/core/mod.ts" },
      { from: "src/security/crypto/ed25519.ts", to: "node:crypto" },
      { from: "src/security/crypto/blake3.ts", to: "npm:hash-wasm@4.13.0" },
      { from: "src/storage/key_store.ts", to: "node:fs" },
    ]),
    [],
  );
});

Deno.test("checkImports() rejects every upward or sideways import, naming both files", async (t) => {
  const cases: [string, string, RegExp][] = [
    ["src/core/x.ts", "src/security/y.ts", /core may import only core$/],
    ["src/security/x.ts", "src/storage/y.ts", /security may import only core, security$/],
    ["src/security/x.ts", "src/frontends/cli/mod.ts", /security may import only/],
    ["src/storage/x.ts", "src/config/mod.ts", /storage may import only core, security, storage$/],
    [
      "src/config/x.ts",
      "src/tools/mod.ts",
      /config may import only core, security, storage, config$/,
    ],
    ["src/tools/x.ts", "src/runtime/mod.ts", /tools may import only/],
    ["src/runtime/x.ts", "src/frontends/cli/mod.ts", /runtime may import only/],
    ["src/frontends/cli/x.ts", "src/main.ts", /frontends may import only/],
    ["src/core/x.ts", "node:fs", /core may use only node:crypto, node:buffer, node:path/],
    ["src/security/x.ts", "node:child_process", /security may use only/],
    ["src/security/x.ts", "node:process", /security may use only/],
    ["src/security/x.ts", "jsr:@std/path", /only as npm: through the import map/],
    ["src/core/x.ts", "https://deno.land/x/y.ts", /only as npm:/],
    ["src/core/x.ts", "scripts/permissions.ts", /outside src\/$/],
    ["src/core/x.ts", "src/misc/y.ts", /which is in no layer/],
    ["src/misc/x.ts", "src/core/mod.ts", /src\/misc\/x\.ts is in no layer/],
  ];
  for (const [from, to, pattern] of cases) {
    await t.step(`${from} -> ${to}`, () => {
      const problems = checkImports([{ from, to }]);
      assert.equal(problems.length, 1, JSON.stringify(problems));
      assert.ok(problems[0]!.includes(from), problems[0]);
      assert.match(problems[0]!, pattern);
    });
  }
});

Deno.test("stripComments() blanks comments but keeps code, strings, templates and regexes", () => {
  const src = [
    "/** Nothing here touches `Deno.*`. */",
    "const a = 1; // Date.now() in a comment",
    'const s = "// not a comment";',
    "const r = /\\/\\*[^*]*/g; const b = Date.now();",
    "const t = `x ${ { a: 1 }.a } // still template ${Math.random()}`;",
    "/* multi",
    "   Deno.exit() */ const c = a / 2 / 1;",
  ].join("\n");
  const out = stripComments(src);
  assert.equal(out.split("\n").length, 7, "line numbers are kept");
  assert.ok(!out.includes("Deno.*"));
  assert.ok(!out.includes("Date.now() in a comment"));
  assert.ok(!out.includes("Deno.exit"));
  assert.ok(out.includes('"// not a comment"'));
  assert.ok(out.includes("const b = Date.now();"), "code after a regex literal is kept");
  assert.ok(out.includes("${Math.random()}"), "template expressions are code");
  assert.ok(out.includes("const c = a / 2 / 1;"), "division is not a regex");
});

Deno.test("findAmbientUse() reports Deno, the clock and Math.random in code, not in comments", () => {
  const src = [
    "// Deno.env is never read here; Date.now() neither.",
    "export const now = () => Date.now();",
    "export const r = Math.random ();",
    "const env = Deno.env.get('X');",
    "const d = new Date();",
    "const ok = new Date(0); const p = performance.now();",
    "type F = typeof globalThis.Deno;",
  ].join("\n");
  assert.deepEqual(findAmbientUse("src/core/x.ts", src), [
    "src/core/x.ts:2 uses Date.now(): take a port instead",
    "src/core/x.ts:3 uses Math.random(): take a port instead",
    "src/core/x.ts:4 uses Deno.*: take a port instead",
    "src/core/x.ts:5 uses new Date() (reads the clock): take a port instead",
    "src/core/x.ts:6 uses performance.now(): take a port instead",
    "src/core/x.ts:7 uses Deno.*: take a port instead",
  ]);
  assert.deepEqual(findAmbientUse("src/core/y.ts", "/** uses `Deno.*` nowhere */\nexport {};"), []);
});
