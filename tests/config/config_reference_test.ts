import assert from "node:assert/strict";
import {
  configFields,
  extractConfigReference,
  REFERENCE_END,
  REFERENCE_START,
  renderConfigReference,
  spliceConfigReference,
} from "../../src/config/mod.ts";

const README = new URL("../../README.md", import.meta.url);
const FIX = "run `deno run -A scripts/gen_config_docs.ts` to regenerate it";

/**
 * `deno fmt` re-wraps prose and pads table cells, so compare without
 * whitespace and with separator rows reduced: any change to a key, type,
 * default, description or rule still shows.
 */
function normalize(markdown: string): string {
  return markdown.replace(/-{3,}/g, "---").replace(/\s+/g, "");
}

Deno.test("the README configuration reference matches the schema", async () => {
  const readme = await Deno.readTextFile(README);
  const block = extractConfigReference(readme);
  assert.ok(
    block !== undefined,
    `README.md has no ${REFERENCE_START} ... ${REFERENCE_END} block; ${FIX}`,
  );
  assert.ok(
    normalize(block) === normalize(renderConfigReference()),
    `the configuration reference in README.md is stale; ${FIX}`,
  );
});

Deno.test("renderConfigReference() has one row per key with its default and workspace rule", () => {
  const table = renderConfigReference();
  for (const f of configFields()) {
    assert.match(table, new RegExp(`^\\| \`${f.id}\` \\|`, "m"), f.id);
  }
  assert.match(
    table,
    /\| `workspace\.mode` \| "safe" \\\| "guided" \\\| "autonomous" \| `"safe"` \|/,
  );
  assert.match(table, /\| `budget\.workspace_usd` \| number >= 0 \(USD\) \| unset \|/);
  assert.match(
    table,
    /\| `llm\.base_url` \|.*\| may not set \(a repository must not choose where your API key is sent\) \|$/m,
  );
  assert.match(table, /\| `capsules\.production` \|.*\| may only turn on \|$/m);
});

Deno.test("spliceConfigReference() replaces only the marked block, or appends markers", () => {
  const readme = `# T\n\nintro\n\n${REFERENCE_START}\nold\n${REFERENCE_END}\n\n## After\n`;
  const next = spliceConfigReference(readme, "NEW\n");
  assert.equal(next, `# T\n\nintro\n\n${REFERENCE_START}\n\nNEW\n\n${REFERENCE_END}\n\n## After\n`);
  assert.equal(extractConfigReference(next), "NEW\n");
  assert.equal(spliceConfigReference(next, "NEW\n"), next);
  assert.equal(spliceConfigReference("", "X\n"), `${REFERENCE_START}\n\nX\n\n${REFERENCE_END}\n`);
  assert.equal(
    spliceConfigReference("# T", "X\n"),
    `# T\n${REFERENCE_START}\n\nX\n\n${REFERENCE_END}\n`,
  );
});
