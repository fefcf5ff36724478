/**
 * The commented `.astrid/config.toml` that `astrid init` writes: every key a
 * workspace may set, with its description, rule and default, generated from
 * the schema. Keys a workspace may not set are left out.
 *
 * @module
 */

import { describeWorkspaceRule } from "./render_config_reference.ts";
import { configFields } from "./schema.ts";
import { tomlValue } from "./toml_value.ts";

const HEADER = `# Astrid workspace configuration.
#
# This file travels with the repository, so it can only TIGHTEN what the system
# (/etc/astrid/config.toml) and user ($ASTRID_HOME/config.toml) configs allow:
# add denied paths and blocked commands, lower budgets and limits, pick a
# stricter mode. Anything that would loosen them is ignored with a warning.
#
# Uncomment a line to use it. Check the file with:
#   astrid config validate .astrid/config.toml
# See what applies with:
#   astrid config show --origin
`;

const EXAMPLE = `# [[policy.examples]]
# tool = "bash"
# args = { command = "sudo rm -rf /" }
# expect = "deny"`;

/** The template text. */
export function renderWorkspaceTemplate(): string {
  const out: string[] = [HEADER];
  let section = "";
  for (const f of configFields()) {
    if (f.spec.workspace.kind === "forbidden") continue;
    if (f.section !== section) {
      out.push(`[${f.section}]`);
      section = f.section;
    }
    out.push(`# ${f.spec.description}.`);
    out.push(`# Here: ${describeWorkspaceRule(f.spec.workspace)}.`);
    if (f.id === "policy.examples") out.push(EXAMPLE);
    else if (f.spec.optional) {
      out.push(`# ${f.key} = ${f.spec.kind.label.startsWith("number") ? "1.0" : '"<name>"'}`);
    } else {
      out.push(`# ${f.key} = ${tomlValue(f.spec.default, f.spec.kind.label.startsWith("number"))}`);
    }
    out.push("");
  }
  return out.join("\n");
}
