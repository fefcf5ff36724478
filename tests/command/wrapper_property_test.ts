/**
 * Property: however wrappers, separators, groupings and quoting are combined
 * around `sudo id`, the analysis still reports `sudo`.
 */

import assert from "node:assert/strict";
import fc from "fast-check";
import { analyzeCommand } from "../../src/security/command/mod.ts";

/** Ways to spell the word `sudo` that bash reads as `sudo`. */
const SPELLINGS = [
  "sudo",
  "'sudo'",
  '"sudo"',
  "s\\udo",
  "$'sudo'",
  "$'\\x73udo'",
  "su''do",
  '"su"do',
  "/usr/bin/sudo",
  "./sudo",
];

/** A wrapper applied to a command line `c` (a shell word list). */
const WRAPPERS: ((c: string) => string)[] = [
  (c) => `env FOO=1 ${c}`,
  (c) => `env -i ${c}`,
  (c) => `nohup ${c}`,
  (c) => `timeout 5 ${c}`,
  (c) => `timeout -s KILL -k 1 5 ${c}`,
  (c) => `nice -n 5 ${c}`,
  (c) => `ionice -c 3 ${c}`,
  (c) => `stdbuf -oL ${c}`,
  (c) => `exec ${c}`,
  (c) => `command ${c}`,
  (c) => `builtin ${c}`.replace("builtin builtin", "builtin"),
  (c) => `busybox ${c}`,
  (c) => `time ${c}`,
  (c) => `setsid ${c}`,
  (c) => `xargs -0 ${c}`,
];

/** A context around a complete command line `c`. */
const CONTEXTS: ((c: string) => string)[] = [
  (c) => `ls && ${c}`,
  (c) => `ls || ${c}`,
  (c) => `ls; ${c}`,
  (c) => `ls\n${c}`,
  (c) => `ls | ${c}`,
  (c) => `${c} & wait`,
  (c) => `{ ${c}; }`,
  (c) => `( ${c} )`,
  (c) => `echo $( ${c} )`,
  (c) => `echo "$( ${c} )"`,
  (c) => `x=$( ${c} )`,
  (c) => `cat <( ${c} )`,
  (c) => `if ${c}; then :; fi`,
  (c) => `if true; then ${c}; fi`,
  (c) => `while ${c}; do break; done`,
  (c) => `for i in 1; do ${c}; done`,
  (c) => `case x in *) ${c};; esac`,
  (c) => `f() { ${c}; }`,
  (c) => `{ ! ${c}; }`,
  (c) => `sh -c '${c.replaceAll("'", "'\\''")}'`,
  (c) => `bash -lc '${c.replaceAll("'", "'\\''")}'`,
  (c) => `eval '${c.replaceAll("'", "'\\''")}'`,
  // A delimiter of its own per level; `:` so a following `;` has a command before it.
  (c) => `bash <<'E${c.length}'\n${c}\nE${c.length}\n:`,
];

Deno.test("analyzeCommand() reveals sudo under any composition of wrappers and contexts", () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...SPELLINGS),
      fc.array(fc.constantFrom(...WRAPPERS), { maxLength: 4 }),
      fc.array(fc.constantFrom(...CONTEXTS), { maxLength: 4 }),
      fc.boolean(),
      (spelling, wrappers, contexts, assign) => {
        let line = `${spelling} id`;
        for (const w of wrappers) line = w(line);
        // An assignment only counts before the first word of a simple command.
        if (assign) line = `FOO=bar ${line}`;
        for (const c of contexts) line = c(line);
        const a = analyzeCommand(line, "/w");
        assert.ok(a.ok, `${JSON.stringify(line)}: ${a.ok ? "" : a.reason}`);
        assert.ok(
          a.commands.some((c) => c.executable === "sudo"),
          `${JSON.stringify(line)} -> ${a.commands.map((c) => c.executable).join(",")}`,
        );
      },
    ),
    { numRuns: 1500, seed: 4 },
  );
});

Deno.test("analyzeCommand() never throws and never guesses on arbitrary input", () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 200 }), (line) => {
      const a = analyzeCommand(line, "/w");
      if (!a.ok) {
        assert.ok(
          a.position >= 0 && a.position <= line.length,
          `${a.position} for ${JSON.stringify(line)}`,
        );
      }
    }),
    { numRuns: 3000, seed: 9 },
  );
  const shellish = fc.array(
    fc.constantFrom(
      "a",
      " ",
      "'",
      '"',
      "\\",
      "$",
      "(",
      ")",
      "{",
      "}",
      "`",
      "|",
      "&",
      ";",
      "<",
      ">",
      "\n",
      "#",
      "=",
      "*",
      "~",
      "!",
    ),
    { maxLength: 60 },
  ).map((cs) => cs.join(""));
  fc.assert(
    fc.property(shellish, (line) => {
      const a = analyzeCommand(line, "/w");
      if (!a.ok) assert.ok(a.position >= 0 && a.position <= line.length);
    }),
    { numRuns: 5000, seed: 11 },
  );
});
