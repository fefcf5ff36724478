import assert from "node:assert/strict";
import { analyzeCommand } from "../../src/security/command/mod.ts";

Deno.test("analyzeCommand() fails with a position when the line does not parse", async (t) => {
  const cases: [string, number][] = [
    ["echo 'unclosed", 5],
    ["echo $(", 5],
    ["}", 0],
    ["ls && ", 6],
  ];
  for (const [line, position] of cases) {
    await t.step(JSON.stringify(line), () => {
      const a = analyzeCommand(line, "/w");
      assert.ok(!a.ok);
      assert.equal(a.position, position);
      assert.match(a.reason, /^Cannot parse the command line at line 1, column \d+: /);
    });
  }
});

Deno.test("analyzeCommand() fails when a nested command string does not parse", () => {
  for (
    const line of [
      "ls; bash -c 'echo \"x'",
      "eval 'if'",
      "su -c '$(' root",
      "ssh -o 'ProxyCommand=a |' h",
    ]
  ) {
    const a = analyzeCommand(line, "/w");
    assert.ok(!a.ok, line);
    assert.match(a.reason, /Cannot parse the command string given to/);
  }
  const a = analyzeCommand("ls; bash -c 'echo \"x'", "/w");
  assert.ok(!a.ok && a.position === 4, "points at the command that holds the string");
});

Deno.test("analyzeCommand() bounds nesting of command strings", () => {
  // Here-documents nest without quoting, so the line grows linearly.
  const open = Array.from({ length: 80 }, (_, i) => `bash <<'E${i}'\n`).join("");
  const close = Array.from({ length: 80 }, (_, i) => `E${79 - i}\n`).join("");
  const a = analyzeCommand(`${open}sudo id\n${close}`, "/w");
  assert.ok(!a.ok);
  assert.match(a.reason, /deeper than 64/);
  const open10 = Array.from({ length: 10 }, (_, i) => `bash <<'E${i}'\n`).join("");
  const close10 = Array.from({ length: 10 }, (_, i) => `E${9 - i}\n`).join("");
  const ten = analyzeCommand(`${open10}sudo id\n${close10}`, "/w");
  assert.ok(ten.ok && ten.commands.some((c) => c.executable === "sudo"));
  let eval20 = "sudo id";
  for (let i = 0; i < 10; i++) eval20 = `eval ${JSON.stringify(eval20)}`;
  const b = analyzeCommand(eval20, "/w");
  assert.ok(b.ok && b.commands.some((c) => c.executable === "sudo"));
});

Deno.test("analyzeCommand() bounds the total text of nested command strings", () => {
  const line = "eval " + "eval ".repeat(60) + "true ".repeat(10_000);
  const a = analyzeCommand(line, "/w");
  assert.ok(!a.ok);
  assert.match(a.reason, /add up to more than/);
});
