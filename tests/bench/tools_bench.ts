/**
 * Our `grep` tool against `git grep` on the same generated tree of 10,000
 * files (100 packages x 100 files, 20-80 lines of identifier soup each, 42 MB),
 * side by side. Issue 4's target: within 2x of `git grep`. The tree is made
 * once per run under a temporary folder, committed to git, removed at unload.
 *
 * Also: `glob` over the same tree and `read_file` of one file.
 *
 * Run: deno bench -A tests/bench/tools_bench.ts
 */

import { DEFAULT_TOOL_LIMITS, globTool, grepTool, readFileTool } from "../../src/tools/mod.ts";
import { WorkspaceBoundary } from "../../src/workspace/mod.ts";

const WORDS = [
  "alpha",
  "beta",
  "gamma",
  "delta",
  "function",
  "return",
  "const",
  "let",
  "import",
  "export",
  "value",
  "count",
  "index",
  "result",
  "error",
];

const base = Deno.realPathSync(Deno.makeTempDirSync({ prefix: "astrid_tools_bench_" }));
globalThis.addEventListener("unload", () => Deno.removeSync(base, { recursive: true }));
const root = `${base}/tree`;
let seed = 42;
const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
for (let d = 0; d < 100; d++) {
  const dir = `${root}/pkg${d}/src`;
  Deno.mkdirSync(dir, { recursive: true });
  for (let f = 0; f < 100; f++) {
    const lines: string[] = [];
    const n = 20 + Math.floor(rnd() * 60);
    for (let l = 0; l < n; l++) {
      const words: string[] = [];
      const k = 3 + Math.floor(rnd() * 8);
      for (let w = 0; w < k; w++) words.push(WORDS[Math.floor(rnd() * WORDS.length)]!);
      if (rnd() < 0.002) words.push("needle_token");
      lines.push(words.join(" "));
    }
    Deno.writeTextFileSync(`${dir}/file${f}.ts`, lines.join("\n") + "\n");
  }
}
const git = (args: string[]) => {
  const o = new Deno.Command("git", {
    args: ["-c", "user.name=bench", "-c", "user.email=bench@example.invalid", ...args],
    cwd: root,
    stdout: "null",
    stderr: "piped",
  }).outputSync();
  if (!o.success) throw new Error(`git ${args[0]}: ${new TextDecoder().decode(o.stderr)}`);
};
git(["init", "-q"]);
git(["add", "-A"]);
git(["commit", "-q", "-m", "tree"]);

const ctx = {
  workspace: WorkspaceBoundary.open(root),
  signal: new AbortController().signal,
  limits: { ...DEFAULT_TOOL_LIMITS, max_results: 100_000, search_timeout_ms: 60_000 },
  env: {},
};

async function gitGrep(pattern: string): Promise<void> {
  const o = await new Deno.Command("git", {
    args: ["grep", "-n", "-E", pattern],
    cwd: root,
    stdout: "piped",
  }).output();
  if (!o.success) throw new Error(`git grep ${pattern} failed`);
}

async function ourGrep(pattern: string): Promise<void> {
  const r = await grepTool.execute(grepTool.parse({ pattern }), ctx);
  if (!r.ok) throw new Error(r.output);
}

for (const [label, pattern] of [["literal", "needle_token"], ["regex", "ret[a-z]rn\\s+err"]]) {
  Deno.bench(`git grep, ${label}, 10,000 files`, { group: label, baseline: true }, async () => {
    await gitGrep(pattern!);
  });
  Deno.bench(`astrid grep, ${label}, 10,000 files`, { group: label }, async () => {
    await ourGrep(pattern!);
  });
}

Deno.bench("astrid glob **/file7*.ts, 10,000 files", { group: "other" }, async () => {
  const r = await globTool.execute(globTool.parse({ pattern: "**/file7*.ts" }), ctx);
  if (!r.ok) throw new Error(r.output);
});

Deno.bench("astrid read_file, one file", { group: "other" }, async () => {
  const r = await readFileTool.execute({ path: "pkg42/src/file7.ts" }, ctx);
  if (!r.ok) throw new Error(r.output);
});
