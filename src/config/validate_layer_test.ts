import assert from "node:assert/strict";
import { formatProblem } from "./config_problem.ts";
import { parseConfigText } from "./parse_config_text.ts";
import { resolveConfig } from "./resolve_config.ts";

const FILE = "/home/me/.astrid/config.toml";

/** Parse `text` as a user file and return every validation problem, formatted. */
function problems(text: string): string[] {
  const parsed = parseConfigText(text, FILE, "user");
  if (!parsed.ok) return parsed.problems.map(formatProblem);
  const r = resolveConfig([parsed.layer]);
  return r.ok ? [] : r.errors.map(formatProblem);
}

function one(text: string): string {
  const all = problems(text);
  assert.equal(all.length, 1, all.join("\n"));
  return all[0]!;
}

Deno.test("validation rejects __proto__, constructor and prototype keys wherever they appear", async (t) => {
  const cases: [string, string, string][] = [
    ["top-level __proto__", '__proto__ = { polluted = "yes" }\n', "__proto__"],
    [
      "quoted __proto__ in a section",
      '[workspace]\n"__proto__" = { polluted = "yes" }\n',
      "workspace.__proto__",
    ],
    ["constructor.prototype table", '[constructor.prototype]\npolluted = "yes"\n', "constructor"],
    [
      "prototype inside an example's args",
      '[[policy.examples]]\ntool = "x"\nexpect = "deny"\nargs = { prototype = 1 }\n',
      "policy.examples[0].args.prototype",
    ],
    [
      "__proto__ as a model name",
      "[llm.prices.__proto__]\ninput_per_mtok = 1\noutput_per_mtok = 1\n",
      "llm.prices.__proto__",
    ],
  ];
  for (const [name, text, key] of cases) {
    await t.step(name, () => {
      const msg = one(text);
      assert.match(
        msg,
        new RegExp(
          `: ${
            key.replaceAll(".", "\\.").replaceAll("[", "\\[")
          }: key "[a-z_]+" is a reserved name`,
        ),
      );
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.equal(Object.getPrototypeOf({}), Object.prototype);
      assert.equal(Object.keys(Object.prototype).length, 0);
    });
  }
});

Deno.test("validation rejects unknown keys and suggests the nearest known key", async (t) => {
  await t.step("typo in a key", () => {
    assert.equal(
      one('[workspace]\nmdoe = "safe"\n'),
      `${FILE}:2: workspace.mdoe: unknown key "mdoe" in [workspace]; did you mean "mode"?`,
    );
  });
  await t.step("typo in a long key", () => {
    assert.match(one("[policy]\ndenied_path = []\n"), /did you mean "denied_paths"\?/);
  });
  await t.step("no close match lists the keys", () => {
    assert.match(
      one("[audit]\nzzz = 1\n"),
      /unknown key "zzz" in \[audit\]; expected one of: checkpoint_every$/,
    );
  });
  await t.step("unknown key inside an example table", () => {
    assert.match(
      one('[[policy.examples]]\ntool = "x"\nargs = {}\nexpect = "deny"\nexpected = "deny"\n'),
      /:5: policy\.examples\[0\]\.expected: unknown key "expected"/,
    );
  });
});

Deno.test("validation rejects unknown sections", async (t) => {
  await t.step("typo", () => {
    assert.equal(
      one("[polcy]\ndenied_paths = []\n"),
      `${FILE}:1: polcy: unknown section [polcy]; did you mean [policy]?`,
    );
  });
  await t.step("far from anything", () => {
    assert.match(
      one("[telemetry]\non = true\n"),
      /unknown section \[telemetry\]; expected one of: workspace, policy, /,
    );
  });
  await t.step("a key outside any section", () => {
    assert.match(one('mode = "safe"\n'), /unknown section \[mode\]/);
  });
  await t.step("a section that is a value", () => {
    assert.equal(
      one("workspace = 3\n"),
      `${FILE}:1: workspace: expected a table [workspace], got 3`,
    );
  });
});

Deno.test("validation rejects wrong types, quoting the value", async (t) => {
  const cases: [string, string, string][] = [
    [
      "string for a number",
      '[budget]\nsession_usd = "5"\n',
      'budget.session_usd: expected number >= 0 (USD), got "5"',
    ],
    [
      "float for an integer",
      "[approval]\ntimeout_secs = 1.5\n",
      "approval.timeout_secs: expected integer >= 1, got 1.5",
    ],
    [
      "string for a boolean",
      '[capsules]\nproduction = "yes"\n',
      'capsules.production: expected boolean, got "yes"',
    ],
    [
      "string for a list",
      '[policy]\ndenied_paths = "/etc/**"\n',
      'policy.denied_paths: expected array of path globs, got "/etc/**"',
    ],
    [
      "number in a list",
      '[policy]\nblocked_commands = ["sudo", 3]\n',
      "policy.blocked_commands[1]: expected a string, got 3",
    ],
    [
      "unknown enum value",
      '[workspace]\nmode = "yolo"\n',
      'workspace.mode: expected one of "safe", "guided", "autonomous", got "yolo"',
    ],
    [
      "date for a string",
      "[llm]\nmodel = 1979-05-27\n",
      "llm.model: expected string, got a date-time (1979-05-27)",
    ],
    [
      "inf",
      "[budget]\nsession_usd = inf\n",
      "budget.session_usd: expected number >= 0 (USD), got inf",
    ],
    ["nan", "[budget]\nwarn_ratio = nan\n", "budget.warn_ratio: expected number 0..1, got nan"],
    ["table for a string", "[llm]\nmodel = { a = 1 }\n", "llm.model: expected string, got a table"],
    [
      "ftp url",
      '[llm]\nbase_url = "ftp://example.com"\n',
      'llm.base_url: expected an http(s) URL, got "ftp://example.com"',
    ],
    [
      "not a url",
      '[llm]\nbase_url = "not a url"\n',
      'llm.base_url: expected an http(s) URL, got "not a url"',
    ],
    [
      "bad env var name",
      '[tools]\nenv_allowlist = ["PATH", "A-B"]\n',
      'tools.env_allowlist[1]: expected an environment variable name like "PATH"',
    ],
    [
      "empty string",
      '[policy]\nalways_ask_tools = [""]\n',
      'policy.always_ask_tools[0]: expected a non-empty string, got ""',
    ],
    [
      "control character",
      '[policy]\nblocked_commands = ["rm\\u0000"]\n',
      "policy.blocked_commands[0]: control characters are not allowed",
    ],
    [
      "missing example field",
      '[[policy.examples]]\ntool = "bash"\nargs = {}\n',
      'policy.examples[0].expect: expected one of "allow", "ask", "deny", got nothing (the key is missing)',
    ],
    [
      "bad example expect",
      '[[policy.examples]]\ntool = "bash"\nargs = {}\nexpect = "maybe"\n',
      'policy.examples[0].expect: expected one of "allow", "ask", "deny", got "maybe"',
    ],
    [
      "examples as a single table",
      '[policy.examples]\ntool = "bash"\n',
      "policy.examples: expected array of {tool, args, expect, mode?}, got a table",
    ],
    [
      "price missing a field",
      '[llm.prices."gpt-4.1"]\ninput_per_mtok = 2\n',
      'llm.prices."gpt-4.1".output_per_mtok: expected a number, got nothing',
    ],
  ];
  for (const [name, text, want] of cases) {
    await t.step(name, () => {
      const msg = one(text);
      assert.ok(msg.startsWith(`${FILE}:`), msg);
      assert.ok(msg.includes(want), `${msg}\n  does not include\n${want}`);
    });
  }
});

Deno.test("validation rejects out-of-range numbers", async (t) => {
  const cases: [string, string][] = [
    ["[budget]\nsession_usd = -1\n", "budget.session_usd: expected number >= 0 (USD), got -1"],
    ["[budget]\nwarn_ratio = 1.5\n", "budget.warn_ratio: expected number 0..1, got 1.5"],
    ["[capsules]\nmemory_mb = 128\n", "capsules.memory_mb: expected integer 1..64, got 128"],
    ["[capsules]\nmemory_mb = 0\n", "capsules.memory_mb: expected integer 1..64, got 0"],
    ["[capsules]\ntimeout_secs = 31\n", "capsules.timeout_secs: expected integer 1..30, got 31"],
    [
      "[approval]\nmax_consecutive_denials = 0\n",
      "approval.max_consecutive_denials: expected integer >= 1, got 0",
    ],
    [
      "[agent]\nsubagent_max_depth = -1\n",
      "agent.subagent_max_depth: expected integer >= 0, got -1",
    ],
    [
      "[llm.prices.m]\ninput_per_mtok = -3\noutput_per_mtok = 1\n",
      "llm.prices.m.input_per_mtok: expected a number >= 0, got -3",
    ],
  ];
  for (const [text, want] of cases) {
    await t.step(want.split(":")[0]!, () => assert.ok(one(text).endsWith(want), one(text)));
  }
});

Deno.test("validation rejects bad globs, naming the pattern", async (t) => {
  const cases: [string, RegExp][] = [
    [
      '[policy]\ndenied_paths = ["/ok/**", "/etc/[abc"]\n',
      /:2: policy\.denied_paths\[1\]: Cannot parse glob "\/etc\/\[abc": unclosed "\["/,
    ],
    [
      '[policy]\ndenied_hosts = ["{a,{b}}.com"]\n',
      /policy\.denied_hosts\[0\]: Cannot parse glob "\{a,\{b\}\}\.com": nested "\{"/,
    ],
    [
      '[workspace]\nread_allowlist = ["src/\\\\"]\n',
      /workspace\.read_allowlist\[0\]: Cannot parse glob "src\/\\": trailing backslash/,
    ],
    [
      '[policy]\nallowed_paths = [""]\n',
      /policy\.allowed_paths\[0\]: expected a non-empty string, got ""/,
    ],
  ];
  for (const [text, want] of cases) await t.step(String(want), () => assert.match(one(text), want));
});

Deno.test("validation never quotes a secret value", () => {
  const msg = one('[llm]\napi_key = ""\n');
  assert.doesNotMatch(msg, /""/);
  const typed = one("[llm]\napi_key = 12345678\n");
  assert.doesNotMatch(typed, /12345678/);
  assert.match(
    typed,
    /llm\.api_key: expected string \(secret\), got a value \(not shown: secret\)/,
  );
});

Deno.test("validation lists every problem of a file with its line", () => {
  const all = problems(
    '[workspace]\nmode = "yolo"\nmdoe = 1\n\n[budget]\nsession_usd = -2\n\n[nope]\n',
  );
  assert.deepEqual(all.map((m) => m.split(": ")[0]), [
    `${FILE}:2`,
    `${FILE}:3`,
    `${FILE}:6`,
    `${FILE}:8`,
  ]);
});
