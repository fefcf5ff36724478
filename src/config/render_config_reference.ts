/**
 * The configuration reference of the README, generated from the schema so it
 * cannot go stale unnoticed (a test compares it with the README).
 *
 * @module
 */

import { configFields, type WorkspaceRule } from "./schema.ts";
import { tomlValue } from "./toml_value.ts";

/** Markers around the generated block in README.md. */
export const REFERENCE_START = "<!-- config-reference:start -->";
/** End marker. */
export const REFERENCE_END = "<!-- config-reference:end -->";

/** A markdown table: key, type, default, description, workspace rule. */
export function renderConfigReference(): string {
  const rows = configFields().map((f) => {
    const def = f.spec.optional
      ? "unset"
      : `\`${tomlValue(f.spec.default, f.spec.kind.label.startsWith("number"))}\``;
    return `| \`${f.id}\` | ${cell(f.spec.kind.label)} | ${cell(def)} | ${
      cell(f.spec.description + (f.spec.secret ? " (secret)" : ""))
    } | ${cell(describeWorkspaceRule(f.spec.workspace))} |`;
  });
  return [
    "Layers, lowest to highest: built-in defaults, system (`/etc/astrid/config.toml`, or",
    "`$ASTRID_SYSTEM_CONFIG`), user (`$ASTRID_HOME/config.toml`), workspace",
    "(`<workspace>/.astrid/config.toml`), environment (`ASTRID_<SECTION>__<KEY>`, e.g.",
    "`ASTRID_WORKSPACE__MODE=guided`), command line (`--set section.key=value`). The workspace",
    "file comes with a repository, so it may only tighten (last column); a loosening attempt",
    "is ignored with a warning. Unknown keys, wrong types, bad globs and out-of-range numbers",
    "are errors. Run `astrid config show --origin` to see where each value comes from.",
    "",
    "| Key | Type | Default | Description | Workspace layer |",
    "|---|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}

/** One-line wording of a workspace rule. */
export function describeWorkspaceRule(rule: WorkspaceRule): string {
  switch (rule.kind) {
    case "free":
      return "any value";
    case "forbidden":
      return `may not set (${rule.reason})`;
    case "add_only":
      return "may only add entries";
    case "remove_only":
      return "may only remove entries";
    case "lower_only":
      return "may only lower";
    case "stricter_only":
      return rule.order.length === 2 && rule.order[0] === true
        ? "may only turn on"
        : `may only pick stricter: ${rule.order.map((v) => tomlValue(v)).join(" > ")}`;
  }
}

/**
 * `readme` with the text between the markers replaced by `block`; the
 * markers are appended at the end when missing.
 */
export function spliceConfigReference(readme: string, block: string): string {
  const start = readme.indexOf(REFERENCE_START);
  const end = readme.indexOf(REFERENCE_END);
  const body = `${REFERENCE_START}\n\n${block}\n${REFERENCE_END}`;
  if (start < 0 || end < start) {
    return `${readme}${readme === "" || readme.endsWith("\n") ? "" : "\n"}${body}\n`;
  }
  return readme.slice(0, start) + body + readme.slice(end + REFERENCE_END.length);
}

/** The text between the markers, or `undefined` when they are missing. */
export function extractConfigReference(readme: string): string | undefined {
  const start = readme.indexOf(REFERENCE_START);
  const end = readme.indexOf(REFERENCE_END);
  if (start < 0 || end < start) return undefined;
  return readme.slice(start + REFERENCE_START.length, end).replace(/^\n\n/, "").replace(/\n$/, "");
}

function cell(text: string): string {
  // `<model>` would be read as an HTML tag; `|` would end the cell.
  return text.replaceAll("<", "&lt;").replaceAll("|", "\\|").replaceAll("\n", " ");
}
