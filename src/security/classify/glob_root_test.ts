import assert from "node:assert/strict";
import { globRoot } from "./glob_root.ts";

Deno.test("globRoot() returns the literal folder a pattern can reach", async (t) => {
  const table: [string, string, boolean][] = [
    ["**/*.ts", ".", false],
    ["src/**/*.ts", "src", false],
    ["src/lib/*.ts", "src/lib", false],
    ["../../etc/*", "../../etc", false],
    ["/etc/**", "/etc", true],
    ["/*", "/", true],
    ["src/main.ts", "src", false],
    ["main.ts", ".", false],
    ["a/{b,c}/d", "a", false],
  ];
  for (const [pattern, base, absolute] of table) {
    await t.step(pattern, () => assert.deepEqual(globRoot(pattern), { ok: true, base, absolute }));
  }
});

Deno.test("globRoot() refuses .. after a wildcard, backslashes and NUL", async (t) => {
  for (const bad of ["*/../../etc/*", "src/**/..", "{..,x}/y*", "a*/{x,..}", "a\\*", "a\0"]) {
    await t.step(JSON.stringify(bad), () => assert.equal(globRoot(bad).ok, false));
  }
  assert.equal(globRoot("*..txt").ok, true, "a name containing dots is not a climb");
});
