/**
 * Issue 4's yardsticks, side by side:
 * - our in-process `grep` over a 10,000-file workspace vs `git grep` on the same tree;
 * - the confinement check for a typical path (real file system probe).
 *
 * Run: deno bench -A tests/bench/grep_vs_git_bench.ts
 */

import { join } from "node:path";
import { DEFAULT_TOOL_LIMITS, grepTool } from "../../src/tools/mod.ts";
import { WorkspaceBoundary } from "../../src/workspace/mod.ts";

const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "astrid-grep-bench-" }));
for (let d = 0; d < 100; d++) {
  const dir = join(root, `pkg${d}`, "src");
  await Deno.mkdir(dir, { recursive: true });
  for (let f = 0; f < 100; f++) {
    const needle = (d * 100 + f) % 500 === 0 ? "const NEEDLE_MARK = 1;\n" : "";
    await Deno.writeTextFile(
      join(dir, `file${f}.ts`),
      `// file ${d}/${f}\n${
        "export function f(x: number) { return x * 2; }\n".repeat(20)
      }${needle}`,
    );
  }
}
const git = (args: string[]) =>
  new Deno.Command("git", { args, cwd: root, stdout: "null", stderr: "null" }).output();
await git(["init", "-q"]);
await git(["add", "-A"]);
const ws = WorkspaceBoundary.open(root);
const ctx = {
  workspace: ws,
  signal: new AbortController().signal,
  limits: { ...DEFAULT_TOOL_LIMITS, search_timeout_ms: 60_000 },
  env: {},
};
const args = grepTool.parse({ pattern: "NEEDLE_MARK" });

Deno.bench("git grep, 10,000 files", { group: "grep", baseline: true }, async () => {
  const o = await new Deno.Command("git", {
    args: ["grep", "-n", "NEEDLE_MARK"],
    cwd: root,
    stdout: "piped",
  })
    .output();
  if (!o.success) throw new Error("git grep failed");
});

Deno.bench("astrid grep tool, 10,000 files", { group: "grep" }, async () => {
  const r = await grepTool.execute(args, ctx);
  if (!r.ok || !r.output.includes("NEEDLE_MARK")) throw new Error(r.output);
});

Deno.bench("confinement check, existing file (real probe)", { group: "confine" }, () => {
  const r = ws.resolveInside("pkg42/src/file7.ts");
  if (!r.ok) throw new Error(r.reason);
});

Deno.bench("confinement check, new file in a new folder (real probe)", { group: "confine" }, () => {
  const r = ws.resolveInside("pkg42/new/dir/file.ts");
  if (!r.ok) throw new Error(r.reason);
});

Deno.bench("confinement check, escape attempt via ..", { group: "confine" }, () => {
  const r = ws.resolveInside("pkg42/../../etc/passwd");
  if (r.ok) throw new Error("escaped");
});
