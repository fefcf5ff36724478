/**
 * Confinement of a typical tool path. Issue 4's target: under 50 us
 * excluding the file system calls it needs, so the pure cost is measured
 * with an in-memory probe and the full cost with the real one.
 *
 * Run: deno bench -A tests/bench/workspace_bench.ts
 */

import { FakeFsProbe } from "../../src/security/path/mod.ts";
import { confinePath, WorkspaceBoundary } from "../../src/workspace/mod.ts";

const fake = new FakeFsProbe({
  paths: ["/srv/app/src/lib/util.ts", "/srv/app/README.md", "/srv/app-other/x"],
  links: { "/srv/app/out": "/etc" },
});

Deno.bench("confinePath, existing file, in-memory probe", { group: "pure" }, () => {
  if (!confinePath("/srv/app", "src/lib/util.ts", fake).ok) throw new Error("refused");
});

Deno.bench("confinePath, new file in new folders, in-memory probe", { group: "pure" }, () => {
  if (!confinePath("/srv/app", "src/new/dir/file.ts", fake).ok) throw new Error("refused");
});

Deno.bench("confinePath, escape through a symlink, in-memory probe", { group: "pure" }, () => {
  if (confinePath("/srv/app", "out/passwd", fake).ok) throw new Error("escaped");
});

const base = Deno.realPathSync(Deno.makeTempDirSync({ prefix: "astrid_ws_bench_" }));
const root = `${base}/app`;
Deno.mkdirSync(`${root}/src/lib`, { recursive: true });
Deno.writeTextFileSync(`${root}/src/lib/util.ts`, "export const x = 1;\n");
Deno.symlinkSync("/etc", `${root}/out`);
globalThis.addEventListener("unload", () => Deno.removeSync(base, { recursive: true }));
const ws = WorkspaceBoundary.open(root);
const data = new TextEncoder().encode("export const y = 2;\n");

Deno.bench("resolveInside, existing file, real probe", { group: "real" }, () => {
  if (!ws.resolveInside("src/lib/util.ts").ok) throw new Error("refused");
});

Deno.bench("resolveInside, new file in new folders, real probe", { group: "real" }, () => {
  if (!ws.resolveInside("src/new/dir/file.ts").ok) throw new Error("refused");
});

Deno.bench("resolveInside, escape through a symlink, real probe", { group: "real" }, () => {
  if (ws.resolveInside("out/passwd").ok) throw new Error("escaped");
});

Deno.bench("openForRead + close (resolve, open, inode re-check)", { group: "ops" }, async () => {
  const r = await ws.openForRead("src/lib/util.ts");
  if (!r.ok) throw new Error(r.reason);
  r.file.close();
});

Deno.bench("writeAtomic (verified temp file, fsync, rename)", { group: "ops" }, async () => {
  const r = await ws.writeAtomic("src/lib/out.ts", data);
  if (!r.ok) throw new Error(r.reason);
});
