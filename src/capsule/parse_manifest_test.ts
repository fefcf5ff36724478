import assert from "node:assert/strict";
import { checkManifest, parseManifest } from "./parse_manifest.ts";
import { ManifestError } from "./manifest_error.ts";

const HASH = `blake3:${"ab".repeat(32)}`;

/** The seed's example, plus the parts the seed names without showing. */
const FULL_MANIFEST = await Deno.readTextFile(new URL("./testdata/Capsule.toml", import.meta.url));

Deno.test("parseManifest() reads every section of the seed's example", () => {
  const m = parseManifest(FULL_MANIFEST, "Capsule.toml");
  assert.equal(m.file, "Capsule.toml");
  assert.deepEqual(m.package, {
    name: "github-agent",
    version: "1.0.0",
    description: "Works with GitHub",
  });
  assert.deepEqual(m.component, { entrypoint: "bin/github_agent.wasm", hash: HASH });
  assert.deepEqual(m.capabilities.net, ["api.github.com"]);
  assert.deepEqual(m.capabilities.fsRead, ["/home/user/.gitconfig", "docs/**"]);
  assert.deepEqual(m.capabilities.fsWrite, ["out/**"]);
  assert.equal(m.capabilities.kv, true);
  assert.deepEqual(m.capabilities.interceptors, ["BeforeToolCall", "AfterToolCall"]);
  assert.deepEqual(m.env.GITHUB_TOKEN, {
    type: "secret",
    request: "Please provide a GitHub Personal Access Token",
    inject: { host: "api.github.com", header: "Authorization", prefix: "Bearer " },
  });
  assert.deepEqual(m.env.GITHUB_ORG, {
    type: "string",
    request: "Which organisation?",
    default: "denoland",
  });
  assert.deepEqual(m.mcpServers, [{
    id: "local-git",
    type: "stdio",
    command: "npx",
    args: ["-y", "@modelcontextprotocol/server-git", "-y"],
    env: ["GITHUB_TOKEN"],
  }]);
  assert.deepEqual(m.capabilities.mcpServers, m.mcpServers);
  assert.deepEqual(m.cron, [{
    name: "sync-issues",
    schedule: "0 * * * *",
    action: "astrid.github.sync",
  }]);
  assert.deepEqual(m.interceptors, [
    { event: "BeforeToolCall", handler: "before_tool_call" },
    { event: "AfterToolCall", handler: "after_call" },
  ]);
  assert.deepEqual(m.llmProviders[0]?.capabilities, ["text", "vision", "tools"]);
  assert.deepEqual(m.context, { files: ["CONTEXT.md"], text: "Prefer small pull requests." });
  assert.deepEqual(m.skills, [{
    name: "triage",
    description: "Label new issues",
    file: "skills/triage.md",
  }]);
  assert.equal(m.commands[0]?.name, "standup");
});

Deno.test("parseManifest() accepts a manifest with only [package]", () => {
  const m = parseManifest('[package]\nname = "x"\nversion = "0.1.0"\n', "C.toml");
  assert.equal(m.component, undefined);
  assert.deepEqual(m.capabilities.net, []);
  assert.equal(m.capabilities.kv, false);
});

function problems(text: string): string[] {
  const r = checkManifest(text, "Capsule.toml");
  assert.equal(r.ok, false, "expected the manifest to be refused");
  return r.ok ? [] : r.problems.map((p) => `${p.line ?? "-"}|${p.key}|${p.message}`);
}

const PKG = '[package]\nname = "x"\nversion = "1.0.0"\n';

Deno.test("checkManifest() names the file, line and key of each problem", async (t) => {
  const cases: [string, string, RegExp][] = [
    [
      "unknown top-level key",
      `${PKG}[capabilitys]\nnet = []\n`,
      /^4\|capabilitys\|unknown key "capabilitys"; expected one of: package, component/,
    ],
    [
      "unknown capability",
      `${PKG}[capabilities]\nhttp = ["x.com"]\n`,
      /^5\|capabilities\.http\|unknown key "http"; expected one of: net, fs_read, fs_write, kv/,
    ],
    [
      "wrong type",
      `${PKG}[capabilities]\nkv = "yes"\n`,
      /^5\|capabilities\.kv\|expected true or false, got the string "yes"/,
    ],
    [
      "net with scheme",
      `${PKG}[capabilities]\nnet = ["https://x.com"]\n`,
      /capabilities\.net\[0\]\|"https:\/\/x\.com" must be a host/,
    ],
    ["net wildcard", `${PKG}[capabilities]\nnet = ["*.x.com"]\n`, /wildcards are not allowed/],
    ["net uppercase", `${PKG}[capabilities]\nnet = ["X.com"]\n`, /must be lowercase \("x\.com"\)/],
    ["net port", `${PKG}[capabilities]\nnet = ["x.com:70000"]\n`, /port 70000 is out of range/],
    [
      "net listed twice",
      `${PKG}[capabilities]\nnet = ["x.com", "x.com"]\n`,
      /net\[1\]\|"x\.com" is listed twice/,
    ],
    [
      "glob with ..",
      `${PKG}[capabilities]\nfs_read = ["../**"]\n`,
      /fs_read\[0\]\|"\.\.\/\*\*" contains "\.\."/,
    ],
    ["glob with ~", `${PKG}[capabilities]\nfs_write = ["~/.ssh/**"]\n`, /starts with "~"/],
    ["bad glob", `${PKG}[capabilities]\nfs_read = ["a/[b"]\n`, /is not a valid glob/],
    ["missing package", `[component]\nentrypoint = "a.wasm"\n`, /^-\|package\|missing/],
    [
      "bad name",
      `[package]\nname = "Bad Name"\nversion = "1.0.0"\n`,
      /^2\|package\.name\|"Bad Name" is not valid/,
    ],
    [
      "bad version",
      `[package]\nname = "x"\nversion = "1.0"\n`,
      /package\.version\|"1\.0" is not valid; expected a semantic version/,
    ],
    [
      "entrypoint escape",
      `${PKG}[component]\nentrypoint = "../x.wasm"\n`,
      /component\.entrypoint\|"\.\.\/x\.wasm" climbs out/,
    ],
    ["entrypoint absolute", `${PKG}[component]\nentrypoint = "/x.wasm"\n`, /is absolute/],
    ["entrypoint not wasm", `${PKG}[component]\nentrypoint = "x.js"\n`, /must end in \.wasm/],
    [
      "hash algorithm",
      `${PKG}[component]\nentrypoint = "x.wasm"\nhash = "sha256:${"ab".repeat(32)}"\n`,
      /component\.hash\|.* expected "blake3:" and 64 lowercase hex/,
    ],
    [
      "env type",
      `${PKG}[env.TOKEN]\ntype = "password"\nrequest = "x"\n`,
      /^5\|env\.TOKEN\.type\|"password" is not "secret" or "string"/,
    ],
    [
      "env name",
      `${PKG}[env.lower]\ntype = "string"\nrequest = "x"\n`,
      /env\.lower\|"lower" is not an environment variable name/,
    ],
    [
      "env missing request",
      `${PKG}[env.T]\ntype = "string"\n`,
      /env\.T\.request\|missing; expected a string/,
    ],
    [
      "secret default",
      `${PKG}[env.T]\ntype = "secret"\nrequest = "x"\ndefault = "y"\n`,
      /a secret cannot have a default/,
    ],
    [
      "inject to unrequested host",
      `${PKG}[env.T]\ntype = "secret"\nrequest = "x"\ninject = { host = "evil.com", header = "Authorization" }\n`,
      /env\.T\.inject\.host\|"evil\.com" is not a host in capabilities\.net/,
    ],
    [
      "inject into Host header",
      `${PKG}[capabilities]\nnet = ["a.com"]\n[env.T]\ntype = "secret"\nrequest = "x"\ninject = { host = "a.com", header = "Host" }\n`,
      /"Host" is managed by the host/,
    ],
    [
      "mcp type",
      `${PKG}[[mcp_server]]\nid = "a"\ntype = "sse"\ncommand = "x"\n`,
      /mcp_server\[0\]\.type\|"sse" is not supported; expected "stdio"/,
    ],
    [
      "mcp undeclared env",
      `${PKG}[[mcp_server]]\nid = "a"\ntype = "stdio"\ncommand = "x"\nenv = ["HOME"]\n`,
      /mcp_server\[0\]\.env\[0\]\|"HOME" is not declared in \[env\]/,
    ],
    [
      "mcp duplicate id",
      `${PKG}[[mcp_server]]\nid = "a"\ntype = "stdio"\ncommand = "x"\n[[mcp_server]]\nid = "a"\ntype = "stdio"\ncommand = "y"\n`,
      /^9\|mcp_server\[1\]\.id\|"a" is used by another/,
    ],
    [
      "cron fields",
      `${PKG}[[cron]]\nname = "a"\nschedule = "* * * *"\naction = "x"\n`,
      /cron\[0\]\.schedule\|schedule "\* \* \* \*" has 4 fields; expected 5/,
    ],
    [
      "cron range",
      `${PKG}[[cron]]\nname = "a"\nschedule = "61 * * * *"\naction = "x"\n`,
      /minute field "61": 61 is out of range; expected 0-59/,
    ],
    [
      "interceptor event",
      `${PKG}[component]\nentrypoint = "a.wasm"\n[[interceptor]]\nevent = "OnEverything"\n`,
      /interceptor\[0\]\.event\|"OnEverything" is not an event; expected one of: BeforeToolCall/,
    ],
    [
      "interceptor needs component",
      `${PKG}[[interceptor]]\nevent = "BeforeToolCall"\n`,
      /interceptor\|needs a \[component\]/,
    ],
    [
      "llm capability",
      `${PKG}[component]\nentrypoint = "a.wasm"\n[[llm_provider]]\nid = "a"\ndescription = "d"\ncapabilities = ["telepathy"]\n`,
      /"telepathy" is not a provider capability/,
    ],
    [
      "skill needs one source",
      `${PKG}[[skill]]\nname = "a"\ndescription = "d"\n`,
      /skill\[0\]\|expected exactly one of file or text/,
    ],
    [
      "array where table",
      `capabilities = [1]\n${PKG}`,
      /capabilities\|expected a table, got an array/,
    ],
    [
      "date where string",
      `[package]\nname = "x"\nversion = 1979-05-27\n`,
      /package\.version\|expected a string, got a date\/time/,
    ],
  ];
  for (const [name, text, expected] of cases) {
    await t.step(name, () => {
      const got = problems(text);
      assert.ok(
        got.some((p) => expected.test(p)),
        `no problem matches ${expected}: ${got.join(" / ")}`,
      );
    });
  }
});

Deno.test("checkManifest() refuses hostile TOML with a clear error, never a crash", async (t) => {
  const cases: [string, string, RegExp][] = [
    [
      "duplicate key",
      `${PKG}[capabilities]\nkv = true\nkv = false\n`,
      /^6\|\|invalid TOML: .*\(duplicate key or table\)/,
    ],
    ["duplicate table", `${PKG}[capabilities]\n[capabilities]\n`, /duplicate key or table/],
    [
      "__proto__ key",
      `${PKG}__proto__ = { polluted = true }\n`,
      /__proto__\|unknown key "__proto__"/,
    ],
    [
      "__proto__ in a table",
      `${PKG}[capabilities]\n__proto__ = 1\n`,
      /capabilities\.__proto__\|unknown key/,
    ],
    [
      "__proto__ env",
      `${PKG}[env.__proto__]\ntype = "string"\nrequest = "x"\n`,
      /"__proto__" is not an environment variable name/,
    ],
    [
      "huge integer",
      `${PKG}[capabilities]\nkv = 99999999999999999999\n`,
      /integers must be between/,
    ],
    ["deep arrays", `${PKG}x = ${"[".repeat(5000)}${"]".repeat(5000)}\n`, /excessively nested/],
    [
      "deep dotted key",
      `${"a.".repeat(100000)}a = 1\n${PKG}`,
      /too deeply nested|^-\|a\|unknown key "a"/,
    ],
    ["NUL byte", `${PKG}\0`, /^4\|\|NUL byte/],
    ["too large", `${PKG}# ${"x".repeat(300 * 1024)}\n`, /expected at most 262144/],
    ["not TOML", "[package\nname=", /invalid TOML/],
  ];
  for (const [name, text, expected] of cases) {
    await t.step(name, () => {
      const got = problems(text);
      assert.ok(
        got.some((p) => expected.test(p)),
        `no problem matches ${expected}: ${got.join(" / ")}`,
      );
    });
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

Deno.test("parseManifest() throws one ManifestError listing every problem", () => {
  const text = `[package]\nname = "X"\nversion = "x"\n[capabilities]\nkv = 1\n`;
  assert.throws(() => parseManifest(text, "caps/Capsule.toml"), (e: unknown) => {
    assert.ok(e instanceof ManifestError);
    assert.equal(e.code, "CAPSULE_MANIFEST_INVALID");
    assert.equal(e.problems.length, 3);
    assert.match(e.message, /3 problems/);
    assert.match(e.message, /caps\/Capsule\.toml:2: package\.name: "X" is not valid/);
    assert.match(
      e.message,
      /caps\/Capsule\.toml:5: capabilities\.kv: expected true or false, got the integer 1/,
    );
    return true;
  });
});
