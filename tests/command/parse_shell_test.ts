import assert from "node:assert/strict";
import { MAX_DEPTH, MAX_INPUT, parseShell } from "../../src/security/command/mod.ts";
import type {
  ShellCommand as Command,
  ShellScript as Script,
  ShellSimpleCommand as SimpleCommand,
} from "../../src/security/command/mod.ts";

function script(src: string): Script {
  const r = parseShell(src);
  assert.ok(r.ok, r.ok ? "" : `${JSON.stringify(src)}: ${r.message}`);
  return r.script;
}

function first(src: string): Command {
  return script(src).body[0]!.andOr.pipelines[0]!.commands[0]!;
}

function words(src: string): string[] {
  const c = first(src) as SimpleCommand;
  assert.equal(c.kind, "simple");
  return c.words.map((w) =>
    w.parts.map((p) => p.kind === "literal" ? p.text : `<${p.kind}>`).join("")
  );
}

Deno.test("parseShell() removes quotes and escapes the way bash does", async (t) => {
  const cases: [string, string[]][] = [
    [`echo 'a b' "c d" e\\ f`, ["echo", "a b", "c d", "e f"]],
    [`echo "a\\"b" 'a\\b' "a\\b" "\\$x"`, ["echo", 'a"b', "a\\b", "a\\b", "$x"]],
    [`echo $'a\\tb' $'\\x41\\102\\u0043' $'\\cA'`, ["echo", "a\tb", "ABC", "\x01"]],
    [`echo '' ""`, ["echo", "", ""]],
    [`echo a\\\nb`, ["echo", "ab"]],
    [`echo a#b # c`, ["echo", "a#b"]],
    [`echo $"loc"`, ["echo", "loc"]],
    [`echo {a,b} * ~`, ["echo", "{a,b}", "*", "~"]],
    [`echo $x "$y" \${z} $1 $@ $?`, [
      "echo",
      "<param>",
      "<param>",
      "<param>",
      "<param>",
      "<param>",
      "<param>",
    ]],
  ];
  for (const [src, expected] of cases) {
    await t.step(JSON.stringify(src), () => assert.deepEqual(words(src), expected));
  }
});

Deno.test("parseShell() reads substitutions recursively", () => {
  const c = first("echo $(a | b) `c` <(d) >(e) $((1 + $(f)))") as SimpleCommand;
  assert.deepEqual(c.words.map((w) => w.parts[0]!.kind), [
    "literal",
    "command_sub",
    "command_sub",
    "process_sub",
    "process_sub",
    "arith",
  ]);
  const arith = c.words[5]!.parts[0]!;
  assert.ok(arith.kind === "arith" && arith.parts.some((p) => p.kind === "command_sub"));
});

Deno.test("parseShell() reads `$((` as nested subshells when it is not arithmetic", () => {
  const c = first("echo $( (a) ; (b) )") as SimpleCommand;
  assert.equal(c.words[1]!.parts[0]!.kind, "command_sub");
  assert.equal(first("((a) ; (b))").kind, "subshell");
  assert.equal(first("((a + 1))").kind, "arith_cmd");
});

Deno.test("parseShell() reads every compound command", async (t) => {
  const cases: [string, Command["kind"]][] = [
    ["( a )", "subshell"],
    ["{ a; }", "group"],
    ["if a; then b; elif c; then d; else e; fi", "if"],
    ["while a; do b; done", "loop"],
    ["until a; do b; done", "loop"],
    ["for x in a b; do c; done", "for"],
    ["for x; do c; done", "for"],
    ["for ((i=0;i<2;i++)); do c; done", "arith_for"],
    ["select x in a; do c; done", "for"],
    ["case $x in a|b) c;; (d) e;& *) ;;& esac", "case"],
    ["f() { a; }", "function"],
    ["function f { a; }", "function"],
    ["function f() ( a )", "function"],
    ["[[ -f a && $b =~ ^(x|y)+$ ]]", "cond"],
    ["(( x += 1 ))", "arith_cmd"],
  ];
  for (const [src, kind] of cases) {
    await t.step(src, () => assert.equal(first(src).kind, kind));
  }
});

Deno.test("parseShell() reads pipelines, lists, negation and background jobs", () => {
  const s = script("! a | b |& c && d || e; f & g\nh");
  assert.equal(s.body.length, 4);
  const andOr = s.body[0]!.andOr;
  assert.deepEqual(andOr.ops, ["&&", "||"]);
  assert.equal(andOr.pipelines[0]!.negated, true);
  assert.equal(andOr.pipelines[0]!.commands.length, 3);
  assert.equal(s.body[1]!.background, true);
});

Deno.test("parseShell() reads redirections and here-documents", () => {
  const c = first(
    "cmd 2>&1 >out <in 3<>rw &>all >>app >|clob <<<str <<-EOF\n\tbody $x\n\tEOF\n",
  ) as SimpleCommand;
  assert.deepEqual(c.redirects.map((r) => `${r.fd ?? ""}${r.op}`), [
    "2>&",
    ">",
    "<",
    "3<>",
    "&>",
    ">>",
    ">|",
    "<<<",
    "<<-",
  ]);
  const doc = c.redirects[8]!.heredoc!;
  assert.equal(doc.text, "body $x\n");
  assert.equal(doc.quoted, false);
  assert.ok(doc.word?.parts.some((p) => p.kind === "param"));
  const quoted = (first("cat <<'E'\n$(x)\nE") as SimpleCommand).redirects[0]!.heredoc!;
  assert.equal(quoted.quoted, true);
  assert.equal(quoted.word, null);
});

Deno.test("parseShell() reads a here-document inside a quoted command substitution", () => {
  const c = first(
    `git commit -m "$(cat <<'EOF'\nfix: x\n\nbody\nEOF\n)" && echo done`,
  ) as SimpleCommand;
  const sub = c.words[3]!.parts[0]!;
  assert.equal(sub.kind, "command_sub");
  if (sub.kind !== "command_sub") return;
  const cat = sub.body.body[0]!.andOr.pipelines[0]!.commands[0] as SimpleCommand;
  assert.equal(cat.redirects[0]!.heredoc?.text, "fix: x\n\nbody\n");
  assert.equal(
    script(`git commit -m "$(cat <<'EOF'\nx\nEOF\n)" && echo done`).body[0]!.andOr.pipelines.length,
    2,
  );
});

Deno.test("parseShell() reads assignments only before the command name", () => {
  const c = first("A=1 B+=2 C[0]=3 D=(x y) cmd E=5") as SimpleCommand;
  assert.deepEqual(c.assignments.map((a) => a.name), ["A", "B", "C", "D"]);
  assert.deepEqual(c.assignments[3]!.array?.length, 2);
  assert.equal(c.words.length, 2);
});

Deno.test("parseShell() rejects what it cannot read, with the position", async (t) => {
  const cases: [string, number, RegExp][] = [
    ["echo 'abc", 5, /unclosed single quote/],
    ['echo "abc', 5, /unclosed double quote/],
    ["echo $(ls", 5, /unclosed "\$\("/],
    ["echo `ls", 5, /unclosed backtick/],
    ["echo ${x", 5, /unclosed \$\{/],
    ["echo $'x", 5, /unclosed \$'/],
    ["echo <(ls", 5, /unclosed "<\("/],
    ["}", 0, /unexpected "}"/],
    ["{ ls; } }", 8, /unexpected "}"/],
    ["ls )", 3, /unexpected "\)"/],
    ["( ls", 0, /unclosed "\("/],
    ["if true; then ls", 16, /expected "fi"/],
    ["for x in a; do ls", 17, /expected "done"/],
    ["case x in a) ls", 15, /expected ";;" or "esac"/],
    ["ls &&", 5, /expected a command/],
    ["ls | ", 5, /expected a command/],
    ["; ls", 0, /expected a command/],
    ["echo >", 6, /missing target/],
    ["cat <<EOF\nno end", 4, /not terminated/],
    ["echo $[1+1]", 5, /unsupported \$\[/],
    ["coproc cat", 0, /unsupported "coproc"/],
    ["echo @(a|b)", 6, /unexpected "\("/],
    ["echo \\", 5, /backslash at the end/],
    ["f() echo", 4, /compound command/],
  ];
  for (const [src, position, message] of cases) {
    await t.step(JSON.stringify(src), () => {
      const r = parseShell(src);
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.match(r.message, message);
      assert.equal(r.position, position, r.message);
    });
  }
});

Deno.test("parseShell() reports line and column of errors on later lines", () => {
  const r = parseShell("ls\necho ok\necho 'x");
  assert.ok(!r.ok);
  assert.deepEqual([r.line, r.column, r.position], [3, 6, 16]);
});

Deno.test("parseShell() positions errors inside backticks in the outer line", () => {
  const r = parseShell("echo `echo 'x`");
  assert.ok(!r.ok);
  assert.equal(r.position, 11);
});

Deno.test("parseShell() refuses input over the size limit and nesting over the depth limit", () => {
  const big = parseShell("echo " + "a".repeat(MAX_INPUT));
  assert.ok(!big.ok && /limit/.test(big.message));
  const deep = parseShell("$(".repeat(MAX_DEPTH + 1) + "id" + ")".repeat(MAX_DEPTH + 1));
  assert.ok(!deep.ok && /deeper than 64/.test(deep.message));
  const deepGroups = parseShell("{ ".repeat(200) + "id" + "; }".repeat(200));
  assert.ok(!deepGroups.ok && /deeper/.test(deepGroups.message));
  const fine = parseShell("$(".repeat(20) + "id" + ")".repeat(20));
  assert.ok(fine.ok);
  assert.ok(!parseShell("echo a\0b").ok);
});

Deno.test("parseShell() stays fast on inputs that defeat naive backtracking", () => {
  // Each `$((` is tried as arithmetic once, then read as a substitution.
  const src = "echo " + "$(( (".repeat(30) + "x" + ") )".repeat(30);
  const start = performance.now();
  parseShell(src);
  assert.ok(performance.now() - start < 2000);
});
