/**
 * `deno task compile`: build the single `dist/astrid` binary with
 * `deno compile`, the permission flags of scripts/permissions.ts and
 * `--include` for assets.
 *
 * `deno compile` needs `denort` for the exact Deno version: it downloads it, or
 * takes `DENORT_BIN`. Offline and without `DENORT_BIN` the download fails;
 * that is recognised from deno's own error (not guessed up front) and reported
 * as a skipped build with exit code 0, so an offline `ok` gate still passes.
 * Any other failure (type errors, bad flags, a broken `DENORT_BIN`) exits 1.
 *
 * @module
 */

import { existsSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { ENTRY_POINT, PERMISSION_FLAGS } from "./permissions.ts";

/** The repository root (the folder holding deno.json). */
export const REPO_ROOT: string = fileURLToPath(new URL("..", import.meta.url));

/** Where the binary goes, relative to the repository root. */
export const DEFAULT_OUTPUT = "dist/astrid";

/** Asset folders embedded when they exist (capsules shipped with the binary). */
export const ASSET_CANDIDATES: readonly string[] = [
  "capsules",
  // Loaded with `new Worker(new URL(...))`, which the module graph does not follow.
  "src/tools/grep_thread.ts",
  "src/capsule/capsule_worker.ts",
];

/** The arguments after `deno` for one compile. Pure: the same input gives the same argv. */
export function compileArgs(options: {
  output: string;
  includes: readonly string[];
  check?: boolean;
}): string[] {
  return [
    "compile",
    "--output",
    options.output,
    ...(options.check === false ? ["--no-check"] : []),
    // The binary must carry the same unstable features as deno.json: KV for state,
    // worker-options for the permission-narrowed capsule workers.
    "--unstable-kv",
    "--unstable-worker-options",
    ...PERMISSION_FLAGS,
    ...options.includes.flatMap((path) => ["--include", path]),
    ENTRY_POINT,
  ];
}

/**
 * Why a failed `deno compile` is "could not get denort" rather than a real
 * error, or `null` when it is a real error. Reads deno's error chain, e.g.
 * `error sending request for url (https://dl.deno.land/.../denort-...zip): ... dns error`.
 */
export function denortDownloadFailure(stderr: string): string | null {
  // Deno's error chain comes before its (uninformative) stack backtrace.
  const text = stripAnsi(stderr).split(/^Stack backtrace:/m)[0]!;
  const mentionsDenort = /denort/i.test(text);
  const networkFailure =
    /error sending request|dns error|failed to lookup address|Connect|timed out|Bad response|certificate/i
      .test(text);
  if (!mentionsDenort || !networkFailure || !/\berror\b/i.test(text)) return null;
  const url = text.match(/https?:\/\/\S*denort[^\s)]*/)?.[0];
  const causes = [...text.matchAll(/^\s*\d+: (.+)$/gm)].map((m) => m[1]!.trim());
  const cause = causes.at(-1) ?? text.split("\n").find((l) => /error/i.test(l))?.trim() ?? "";
  return `could not download denort${url ? ` from ${url}` : ""}${cause ? ` (${cause})` : ""}`;
}

/** What one compile did. `argv` is exactly what was run, `deno` first. */
export type CompileResult =
  | { kind: "built"; argv: string[]; /** Absolute path of the binary. */ output: string }
  | { kind: "skipped"; argv: string[]; reason: string }
  | { kind: "failed"; argv: string[]; code: number; stderr: string };

/** Options of one compile; paths are relative to `cwd` (the repository root). */
export interface CompileOptions {
  /** The deno executable; default: the one running this script. */
  deno?: string;
  cwd?: string;
  output?: string;
  /** Assets to embed; default: the existing folders of `ASSET_CANDIDATES`. */
  includes?: readonly string[];
  /** Environment changes for deno, e.g. `{ DENORT_BIN: path }`; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  /** Type-check while compiling (default true; the `ok` gate checks anyway). */
  check?: boolean;
  /** Give up after this long (default 300 s); a stuck denort download counts as skipped. */
  timeoutMs?: number;
}

/** Run `deno compile` once and classify the outcome. */
export async function compile(options: CompileOptions = {}): Promise<CompileResult> {
  const cwd = options.cwd ?? REPO_ROOT;
  const deno = options.deno ?? Deno.execPath();
  const output = options.output ?? DEFAULT_OUTPUT;
  const includes = options.includes ??
    ASSET_CANDIDATES.filter((p) => existsSync(join(cwd, p)));
  const args = compileArgs({ output, includes, check: options.check });
  const argv = [deno, ...args];
  const outputPath = resolve(cwd, output);
  await Deno.mkdir(dirname(outputPath), { recursive: true });
  const timeoutMs = options.timeoutMs ?? 300_000;
  const env: Record<string, string> = { ...Deno.env.toObject(), NO_COLOR: "1" };
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const child = new Deno.Command(deno, {
    args,
    cwd,
    clearEnv: true,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(timeoutMs),
  });
  const { code, success, signal, stdout, stderr } = await child.output();
  const err = new TextDecoder().decode(stderr) + new TextDecoder().decode(stdout);
  if (success) return { kind: "built", argv, output: outputPath };
  const offline = denortDownloadFailure(err);
  if (offline) return { kind: "skipped", argv, reason: offline };
  if (signal !== null && /Download\s+\S*denort/i.test(stripAnsi(err)) && !/error/i.test(err)) {
    return {
      kind: "skipped",
      argv,
      reason: `downloading denort did not finish within ${Math.round(timeoutMs / 1000)} s`,
    };
  }
  return { kind: "failed", argv, code, stderr: err };
}

function stripAnsi(s: string): string {
  // deno colours its output; classification reads the plain text.
  // deno-lint-ignore no-control-regex
  return s.replace(/\x1b\[[0-9;]*m/g, "");
}

/** `deno task compile [--output PATH] [--include PATH]... [--no-check] [--timeout-ms N]`. */
export async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      output: { type: "string" },
      include: { type: "string", multiple: true },
      "no-check": { type: "boolean" },
      "timeout-ms": { type: "string" },
    },
    strict: true,
  });
  const timeout = values["timeout-ms"] === undefined ? undefined : Number(values["timeout-ms"]);
  if (timeout !== undefined && !(Number.isInteger(timeout) && timeout > 0)) {
    console.error(
      `astrid compile: --timeout-ms "${values["timeout-ms"]}": expected a positive integer`,
    );
    return 2;
  }
  const result = await compile({
    output: values.output,
    includes: values.include,
    check: values["no-check"] ? false : undefined,
    timeoutMs: timeout,
  });
  console.log(`astrid compile: ran ${result.argv.map(quote).join(" ")}`);
  switch (result.kind) {
    case "built":
      console.log(`astrid compile: built ${relative(Deno.cwd(), result.output) || result.output}`);
      return 0;
    case "skipped":
      console.log(
        `astrid compile: skipped building the single binary: ${result.reason} ` +
          "(set DENORT_BIN to a denort binary or run with internet access)",
      );
      return 0;
    case "failed":
      console.error(result.stderr.trimEnd());
      console.error(`astrid compile: deno compile failed with exit code ${result.code}`);
      return 1;
  }
}

function quote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}

if (import.meta.main) Deno.exit(await main(Deno.args));
