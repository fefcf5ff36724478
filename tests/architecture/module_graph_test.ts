/**
 * The import direction of STYLE.md, checked on the real module graph: every
 * non-test module under src/ (src/main.ts and every mod.ts included) is fed
 * to `deno info --json` through one synthetic root, and each resolved import
 * edge goes through checkImports() from layering.ts.
 */

import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { checkImports, findAmbientUse, type ImportEdge } from "./layering.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const entry of Deno.readDir(join(ROOT, dir))) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) out.push(...await sourceFiles(path));
    else if (/\.(ts|tsx|js|mjs)$/.test(entry.name) && !/_test\.(ts|tsx|js|mjs)$/.test(entry.name)) {
      out.push(path);
    }
  }
  return out.sort();
}

interface DenoInfo {
  modules: {
    specifier: string;
    error?: string;
    dependencies?: {
      specifier: string;
      code?: { specifier?: string; error?: string };
      type?: { specifier?: string; error?: string };
    }[];
  }[];
}

/** The import graph of `files` as repository-relative edges. */
async function importGraph(files: string[]): Promise<{ edges: ImportEdge[]; modules: string[] }> {
  const dir = await Deno.makeTempDir({ prefix: "astrid_graph_" });
  try {
    const root = join(dir, "root.ts");
    await Deno.writeTextFile(
      root,
      files.map((f) => `import "${pathToFileURL(join(ROOT, f)).href}";`).join("\n") + "\n",
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", "--config", join(ROOT, "deno.json"), root],
      cwd: ROOT,
      env: { NO_COLOR: "1" },
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.ok(out.success, `deno info failed: ${stderr}`);
    const info = JSON.parse(new TextDecoder().decode(out.stdout)) as DenoInfo;
    const edges: ImportEdge[] = [];
    const modules: string[] = [];
    for (const m of info.modules) {
      const from = name(m.specifier);
      if (!from.startsWith("src/")) continue;
      assert.equal(m.error, undefined, `${from}: ${m.error}`);
      modules.push(from);
      for (const dep of m.dependencies ?? []) {
        for (const target of [dep.code, dep.type]) {
          if (!target) continue;
          assert.equal(
            target.error,
            undefined,
            `${from} imports "${dep.specifier}": ${target.error}`,
          );
          if (target.specifier) edges.push({ from, to: name(target.specifier) });
        }
      }
    }
    return { edges, modules };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Repository-relative path for files in the repository, the specifier otherwise. */
function name(specifier: string): string {
  if (!specifier.startsWith("file:")) return specifier;
  const path = relative(ROOT, fileURLToPath(specifier));
  return path.startsWith("..") ? `outside:${fileURLToPath(specifier)}` : path;
}

Deno.test("every import in src/ points down the layers (deno info module graph)", async () => {
  const files = await sourceFiles("src");
  assert.ok(files.includes("src/main.ts") && files.includes("src/core/mod.ts"));
  const { edges, modules } = await importGraph(files);
  // The graph really is the whole tree, so an empty graph cannot pass.
  for (const f of files) assert.ok(modules.includes(f), `${f} missing from the module graph`);
  assert.ok(
    edges.some((e) => e.from === "src/main.ts" && e.to === "src/frontends/cli/mod.ts"),
    "the graph has src/main.ts -> src/frontends/cli/mod.ts",
  );
  assert.deepEqual(checkImports(edges), []);
});

Deno.test("src/core and src/security never touch Deno.*, the clock or Math.random", async () => {
  const files = [...await sourceFiles("src/core"), ...await sourceFiles("src/security")];
  assert.ok(files.length >= 10, `found only ${files.length} core/security files`);
  const problems: string[] = [];
  for (const f of files) {
    problems.push(...findAmbientUse(f, await Deno.readTextFile(join(ROOT, f))));
  }
  assert.deepEqual(problems, []);
});
