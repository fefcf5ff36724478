import assert from "node:assert/strict";
import { formatProblem } from "./config_problem.ts";
import { parseConfigText } from "./parse_config_text.ts";
import { decodeConfigBytes, MAX_CONFIG_BYTES } from "./toml_guard.ts";

const FILE = "/repo/.astrid/config.toml";

function parseError(text: string): string {
  const r = parseConfigText(text, FILE, "workspace");
  assert.equal(r.ok, false, `expected ${JSON.stringify(text.slice(0, 40))} to be rejected`);
  if (r.ok) return "";
  assert.equal(r.problems.length, 1);
  return formatProblem(r.problems[0]!);
}

Deno.test("parseConfigText() parses a valid file and locates its keys", () => {
  const r = parseConfigText(
    '[workspace]\nmode = "guided"\n\n[budget]\nsession_usd = 2\n',
    FILE,
    "user",
  );
  assert.ok(r.ok);
  assert.deepEqual(JSON.parse(JSON.stringify(r.layer.data)), {
    workspace: { mode: "guided" },
    budget: { session_usd: 2 },
  });
  assert.equal(r.layer.lines?.get("budget.session_usd"), 5);
  assert.equal(r.layer.kind, "user");
});

Deno.test("parseConfigText() rejects duplicate keys and tables with the line", async (t) => {
  await t.step("duplicate key", () => {
    assert.equal(
      parseError('[workspace]\nmode = "safe"\nmode = "guided"\n'),
      `${FILE}:3:1: invalid TOML: trying to redefine an already defined table or value (duplicate key or table)`,
    );
  });
  await t.step("duplicate table", () => {
    assert.match(
      parseError("[budget]\nsession_usd = 1\n[budget]\n"),
      /:3:\d+: .*duplicate key or table/,
    );
  });
  await t.step("dotted key redefining a table", () => {
    assert.match(parseError("[a]\nb = 1\n[x]\n\n[a]\nc = 2\n"), /:5:\d+: .*redefine/);
  });
});

Deno.test("parseConfigText() rejects 10,000-deep nesting with a clear error, without overflowing the stack", async (t) => {
  const cases: [string, string][] = [
    ["arrays", `a = ${"[".repeat(10_000)}${"]".repeat(10_000)}`],
    ["inline tables", `a = ${"{b=".repeat(10_000)}1${"}".repeat(10_000)}`],
    ["dotted key", `${"a.".repeat(10_000)}a = 1`],
    ["dotted table header", `[${"a.".repeat(10_000)}a]\nx = 1`],
    ["array of tables header", `[[${"a.".repeat(10_000)}a]]`],
    ["dotted key with spaces and quotes", `${'"a" . '.repeat(10_000)}a = 1`],
  ];
  for (const [name, text] of cases) {
    await t.step(name, () => {
      assert.match(parseError(text), /:1:\d+: (nesting deeper than 32|dotted key longer than 32)/);
    });
  }
});

Deno.test("parseConfigText() accepts nesting up to the limit and ignores brackets and dots in strings and comments", () => {
  const inString =
    `a = "${"[{.".repeat(5_000)}"\nb = '${"[[..".repeat(100)}'\n# ${"[[[...".repeat(100)}\n` +
    `c = """\n${"{{{".repeat(100)}\n"""\n`;
  assert.ok(parseConfigText(inString, FILE, "user").ok);
  assert.ok(parseConfigText(`a = ${"[".repeat(31)}${"]".repeat(31)}`, FILE, "user").ok);
  assert.ok(parseConfigText(`${"a.".repeat(30)}a = 1`, FILE, "user").ok);
});

Deno.test("parseConfigText() rejects integers beyond the safe range", async (t) => {
  for (const n of ["9007199254740993", "99999999999999999999999", "-9007199254740993"]) {
    await t.step(n, () => {
      assert.match(
        parseError(`[budget]\nsession_usd = ${n}\n`),
        /:2:\d+: invalid TOML: integer value cannot be represented losslessly \(integers must be between -9007199254740991 and 9007199254740991\)/,
      );
    });
  }
});

Deno.test("parseConfigText() rejects NUL bytes anywhere", async (t) => {
  for (
    const [name, text] of [
      ["in a key", "[workspace]\nmo\0de = 1\n"],
      ["in a string", '[workspace]\nmode = "sa\0fe"\n'],
      ["in a comment", "# hi\0\n"],
      ["in a multi-line string", 'a = """\n\0"""\n'],
    ]
  ) {
    await t.step(name!, () => assert.match(parseError(text!), /:\d+:\d+: NUL byte in file/));
  }
});

Deno.test("parseConfigText() reports syntax errors with line and column", () => {
  assert.equal(
    parseError('[workspace]\nmode = = "safe"\n'),
    `${FILE}:2:8: invalid TOML: invalid value`,
  );
});

Deno.test("parseConfigText() rejects text over 1 MiB", () => {
  assert.match(parseError(`# ${"x".repeat(MAX_CONFIG_BYTES)}\n`), /longer than 1048576 characters/);
});

Deno.test("parseConfigText() keeps __proto__ and constructor as plain data, never touching Object.prototype", () => {
  const text = '__proto__ = { polluted = "yes" }\n[constructor.prototype]\npolluted = "yes"\n' +
    '[workspace]\n"__proto__" = { polluted = "yes" }\n';
  const r = parseConfigText(text, FILE, "user");
  assert.ok(r.ok);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, "polluted"), false);
});

Deno.test("decodeConfigBytes() rejects invalid UTF-8 with its line and offset", async (t) => {
  const enc = new TextEncoder();
  const cases: [string, Uint8Array, RegExp][] = [
    [
      "lone continuation byte",
      new Uint8Array([...enc.encode('a = 1\nb = "'), 0x80, 0x22]),
      /0x80 at offset 11/,
    ],
    [
      "overlong encoding",
      new Uint8Array([...enc.encode('a = "'), 0xc0, 0xaf, 0x22]),
      /0xc0 at offset 5/,
    ],
    [
      "truncated sequence",
      new Uint8Array([...enc.encode('\n\na = "'), 0xe2, 0x82]),
      /0xe2 at offset 7/,
    ],
    ["UTF-16 surrogate", new Uint8Array([0xed, 0xa0, 0x80]), /0xed at offset 0/],
    ["latin-1 text", new Uint8Array([...enc.encode('x = "caf'), 0xe9, 0x22]), /0xe9 at offset 8/],
  ];
  for (const [name, bytes, want] of cases) {
    await t.step(name, () => {
      const r = decodeConfigBytes(bytes);
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.match(r.problem.message, /not valid UTF-8/);
      assert.match(r.problem.message, want);
    });
  }
  const r = decodeConfigBytes(new Uint8Array([...enc.encode('\n\na = "'), 0xe2, 0x82]));
  assert.equal(!r.ok && r.problem.line, 3);
});

Deno.test("decodeConfigBytes() accepts UTF-8 with a BOM and multi-byte characters", () => {
  const bytes = new Uint8Array([
    0xef,
    0xbb,
    0xbf,
    ...new TextEncoder().encode('model = "café 🚀"'),
  ]);
  const r = decodeConfigBytes(bytes);
  assert.ok(r.ok);
  assert.equal(r.text, 'model = "café 🚀"');
});

Deno.test("decodeConfigBytes() rejects files over 1 MiB before decoding", () => {
  const r = decodeConfigBytes(new Uint8Array(MAX_CONFIG_BYTES + 1));
  assert.equal(r.ok, false);
  assert.match(!r.ok ? r.problem.message : "", /expected at most 1048576/);
});
