/**
 * The resolved config as TOML text for `astrid config show`, optionally with
 * the origin of each key as a trailing comment. Pass a redacted config.
 *
 * @module
 */

import type { ConfigOrigins } from "./resolve_config.ts";
import { configFields, type ResolvedConfig } from "./schema.ts";
import { tomlValue } from "./toml_value.ts";

/** Render `config` (already redacted) section by section. */
export function renderConfigToml(config: ResolvedConfig, origins?: ConfigOrigins): string {
  const lines: string[] = [];
  let section = "";
  const values = config as unknown as Record<string, Record<string, unknown>>;
  for (const f of configFields()) {
    if (f.section !== section) {
      if (section !== "") lines.push("");
      lines.push(`[${f.section}]`);
      section = f.section;
    }
    const value = values[f.section]?.[f.key];
    const origin = origins?.[f.id];
    const note = origin
      ? `  # ${origin.layer === "default" ? "default" : `${origin.layer}: ${origin.source}`}`
      : "";
    lines.push(
      value === undefined
        ? `# ${f.key} is not set${note ? ` (${note.trim().slice(2)})` : ""}`
        : `${f.key} = ${tomlValue(value, f.spec.kind.label.startsWith("number"))}${note}`,
    );
  }
  return `${lines.join("\n")}\n`;
}
