import assert from "node:assert/strict";
import { join } from "node:path";
import { compile, compileArgs, denortDownloadFailure } from "./compile.ts";
import { ENTRY_POINT, PERMISSION_FLAGS } from "./permissions.ts";

// Deno's real error when dl.deno.land cannot be reached (Deno 2.9.6, no network).
const OFFLINE_STDERR = `Check src/main.ts
Compile src/main.ts to dist/astrid
Download https://dl.deno.land/release/v2.9.6/denort-x86_64-unknown-linux-gnu.zip
error: Writing deno compile executable to temporary file 'dist/astrid.tmp-7de431e1b2fc0dcd'

Caused by:
    0: Setting up base binary.
    1: error sending request for url (https://dl.deno.land/release/v2.9.6/denort-x86_64-unknown-linux-gnu.zip): client error (Connect): dns error: failed to lookup address information: Name or service not known
    2: client error (Connect)
    3: dns error
    4: failed to lookup address information: Name or service not known

Stack backtrace:
   0: <unknown>
`;

Deno.test("compileArgs() passes the permission flags, includes and entry point, never -A", () => {
  const args = compileArgs({ output: "dist/astrid", includes: ["capsules", "extra/x.wasm"] });
  assert.deepEqual(args, [
    "compile",
    "--output",
    "dist/astrid",
    "--unstable-kv",
    "--unstable-worker-options",
    ...PERMISSION_FLAGS,
    "--include",
    "capsules",
    "--include",
    "extra/x.wasm",
    ENTRY_POINT,
  ]);
  for (const broad of ["-A", "--allow-all", "--allow-ffi"]) {
    assert.ok(!args.some((a) => a === broad || a.startsWith(`${broad}=`)), `${broad} in argv`);
  }
  assert.ok(compileArgs({ output: "o", includes: [], check: false }).includes("--no-check"));
});

Deno.test("denortDownloadFailure() recognises deno's offline error and names the cause", () => {
  const reason = denortDownloadFailure(OFFLINE_STDERR);
  assert.equal(
    reason,
    "could not download denort from " +
      "https://dl.deno.land/release/v2.9.6/denort-x86_64-unknown-linux-gnu.zip " +
      "(failed to lookup address information: Name or service not known)",
  );
  assert.ok(denortDownloadFailure(`\x1b[31merror\x1b[0m: ${OFFLINE_STDERR}`));
});

Deno.test("denortDownloadFailure() does not excuse real build errors", () => {
  assert.equal(
    denortDownloadFailure(
      "Check src/main.ts\nTS2322 [ERROR]: Type 'string' is not assignable to type 'number'.\nerror: Type checking failed.",
    ),
    null,
  );
  assert.equal(
    denortDownloadFailure("error: DENORT_BIN /nope/denort: No such file or directory (os error 2)"),
    null,
  );
  assert.equal(denortDownloadFailure('error: Module not found "file:///src/main.ts".'), null);
});

Deno.test("compile() with DENORT_BIN = local deno builds an executable that embeds the includes", async () => {
  const dir = await Deno.makeTempDir({ prefix: "astrid_compile_" });
  try {
    const marker = `astrid-include-marker-${crypto.randomUUID()}`;
    const asset = join(dir, "asset.txt");
    await Deno.writeTextFile(asset, marker);
    const output = join(dir, "bin", "astrid");
    const result = await compile({
      output,
      includes: [asset],
      env: { DENORT_BIN: Deno.execPath() },
      check: false,
    });
    assert.equal(result.kind, "built", JSON.stringify(result));
    assert.deepEqual(result.argv, [
      Deno.execPath(),
      ...compileArgs({ output, includes: [asset], check: false }),
    ]);
    assert.ok(result.kind === "built" && result.output === output);
    const info = await Deno.stat(output);
    assert.ok(info.isFile && info.size > 0);
    assert.equal(info.mode! & 0o111, 0o111, `not executable: mode ${info.mode!.toString(8)}`);
    // The include is embedded in the binary (its behaviour is plain deno's; see toolchain notes).
    const bytes = await Deno.readFile(output);
    const needle = new TextEncoder().encode(marker);
    assert.ok(indexOf(bytes, needle) >= 0, "the included asset is embedded in the binary");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("compile() reports an unreachable denort download as skipped, not failed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "astrid_compile_offline_" });
  try {
    // A proxy on a closed port makes the download fail fast whether or not
    // this machine is online, unless denort is already in deno's cache.
    const result = await compile({
      output: join(dir, "astrid"),
      includes: [],
      check: false,
      env: {
        DENORT_BIN: undefined,
        HTTPS_PROXY: "http://127.0.0.1:9",
        HTTP_PROXY: "http://127.0.0.1:9",
        NO_PROXY: undefined,
      },
      timeoutMs: 60_000,
    });
    if (result.kind === "built") {
      assert.ok(await denortCached(), "built without DENORT_BIN, cache or network");
      return;
    }
    assert.equal(result.kind, "skipped", JSON.stringify(result));
    assert.match(
      result.reason,
      /^could not download denort from https:\/\/\S+denort\S+\.zip \(.+\)$/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("compile() treats a denort download killed by the timeout as skipped", async () => {
  const dir = await Deno.makeTempDir({ prefix: "astrid_compile_stuck_" });
  try {
    const fake = join(dir, "fake-deno");
    await Deno.writeTextFile(
      fake,
      "#!/bin/sh\necho 'Download https://dl.deno.land/release/v9/denort-x.zip' >&2\nexec sleep 30\n",
      { mode: 0o755 },
    );
    const result = await compile({
      deno: fake,
      output: join(dir, "a"),
      includes: [],
      timeoutMs: 300,
    });
    assert.equal(result.kind, "skipped", JSON.stringify(result));
    assert.match(result.reason, /downloading denort did not finish within 0 s/);
    const failing = join(dir, "failing-deno");
    await Deno.writeTextFile(failing, "#!/bin/sh\necho 'error: bad flag' >&2\nexit 3\n", {
      mode: 0o755,
    });
    const failed = await compile({ deno: failing, output: join(dir, "b"), includes: [] });
    assert.equal(failed.kind, "failed");
    assert.ok(failed.kind === "failed" && failed.code === 3 && /bad flag/.test(failed.stderr));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  const first = needle[0]!;
  outer: for (let i = haystack.indexOf(first); i >= 0; i = haystack.indexOf(first, i + 1)) {
    if (i + needle.length > haystack.length) return -1;
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

async function denortCached(): Promise<boolean> {
  const out = await new Deno.Command(Deno.execPath(), { args: ["info", "--json"] }).output();
  const denoDir = JSON.parse(new TextDecoder().decode(out.stdout)).denoDir as string;
  try {
    for await (const e of Deno.readDir(join(denoDir, "dl", "release", `v${Deno.version.deno}`))) {
      if (e.name.startsWith("denort")) return true;
    }
  } catch {
    // no download cache at all
  }
  return false;
}
