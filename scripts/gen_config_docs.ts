/**
 * Regenerate the configuration reference in README.md from the schema:
 *
 *   deno run -A scripts/gen_config_docs.ts
 *
 * Only the text between `<!-- config-reference:start -->` and
 * `<!-- config-reference:end -->` changes (the markers are appended if
 * missing). The block is passed through `deno fmt` so `deno fmt --check`
 * stays clean; tests/config/config_reference_test.ts fails when it is stale.
 *
 * @module
 */

import { renderConfigReference, spliceConfigReference } from "../src/config/mod.ts";

const ROOT = new URL("../", import.meta.url);
const README = new URL("README.md", ROOT);

/** Format markdown `text` with the repository's `deno fmt` settings. */
async function formatMarkdown(text: string): Promise<string> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["fmt", "--ext", "md", "-"],
    cwd: ROOT,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const { code, stdout, stderr } = await child.output();
  if (code !== 0) {
    throw new Error(`deno fmt failed on the reference block: ${new TextDecoder().decode(stderr)}`);
  }
  return new TextDecoder().decode(stdout);
}

async function main(): Promise<void> {
  let readme = "";
  try {
    readme = await Deno.readTextFile(README);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  const block = await formatMarkdown(renderConfigReference());
  const next = spliceConfigReference(readme, block);
  if (next === readme) {
    console.log("README.md: configuration reference is up to date");
    return;
  }
  await Deno.writeTextFile(README, next);
  console.log("README.md: configuration reference regenerated");
}

if (import.meta.main) await main();
