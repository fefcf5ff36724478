/**
 * `astrid` in-process against a temp home, plus capsule folders to install.
 *
 * @module
 */

import { join } from "node:path";
import { CapturedIo, runCli } from "../../src/frontends/cli/mod.ts";

/** What one run printed and asked. */
export interface Run {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  readonly questions: readonly string[];
}

/** A temp home and workspace, and a runner over them. */
export interface Home {
  readonly root: string;
  readonly home: string;
  readonly ws: string;
  run(args: string[], answers?: string[]): Promise<Run>;
  /** `run` with `--json` appended, stdout parsed. */
  json<T = unknown>(args: string[], answers?: string[]): Promise<T>;
}

/** Run `fn` with a fresh home; everything is removed afterwards. */
export async function withHome(fn: (h: Home) => Promise<void>): Promise<void> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "astrid-capsule-" }));
  const home = join(root, "home");
  const ws = join(root, "ws");
  await Deno.mkdir(ws);
  const env = {
    ASTRID_HOME: home,
    ASTRID_SYSTEM_CONFIG: join(root, "no-system.toml"),
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    USER: "tester",
  };
  const run = async (args: string[], answers: string[] = []): Promise<Run> => {
    const io = new CapturedIo({ answers });
    const code = await runCli(args, { io, env, cwd: ws });
    return { code, out: io.out, err: io.err, questions: io.questions };
  };
  const h: Home = {
    root,
    home,
    ws,
    run,
    async json<T>(args: string[], answers: string[] = []): Promise<T> {
      const r = await run([...args, "--json"], answers);
      try {
        return JSON.parse(r.out) as T;
      } catch {
        throw new Error(`astrid ${args.join(" ")} --json exited ${r.code}: ${r.out}\n${r.err}`);
      }
    },
  };
  try {
    await fn(h);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/** Write `files` (relative path -> text) under `dir`. */
export async function writeTree(dir: string, files: Record<string, string>): Promise<void> {
  for (const [rel, text] of Object.entries(files)) {
    const path = join(dir, rel);
    await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(path, text);
  }
}

/** Every file and folder under `dir`, relative, sorted (to show nothing was left behind). */
export async function listTree(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string) => {
    for await (const e of Deno.readDir(join(dir, rel))) {
      const path = rel === "" ? e.name : `${rel}/${e.name}`;
      out.push(path);
      if (e.isDirectory) await walk(path);
    }
  };
  await walk("").catch((e) => {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  });
  return out.sort();
}
