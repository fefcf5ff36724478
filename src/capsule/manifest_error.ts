/**
 * What is wrong with a `Capsule.toml`, said with the file, the line (when it
 * is known) and the key: `Capsule.toml:12: capabilities.net[0]: ...`.
 *
 * @module
 */

import { AstridError } from "../core/mod.ts";

/** One problem in a manifest. `key` is a dotted path (`cron[1].schedule`), "" for the document. */
export interface ManifestProblem {
  readonly file: string;
  readonly key: string;
  readonly line?: number;
  readonly message: string;
}

/** One line per problem. */
export function formatManifestProblem(p: ManifestProblem): string {
  const where = p.line === undefined ? p.file : `${p.file}:${p.line}`;
  return p.key === "" ? `${where}: ${p.message}` : `${where}: ${p.key}: ${p.message}`;
}

/** Thrown by `parseManifest()`; carries every problem found, not just the first. */
export class ManifestError extends AstridError {
  override name = "ManifestError";
  readonly problems: readonly ManifestProblem[];

  constructor(problems: readonly ManifestProblem[]) {
    const first = problems[0];
    const head = problems.length === 1
      ? `invalid capsule manifest: ${first ? formatManifestProblem(first) : "unknown problem"}`
      : `invalid capsule manifest (${problems.length} problems):\n${
        problems.map((p) => `  ${formatManifestProblem(p)}`).join("\n")
      }`;
    super("CAPSULE_MANIFEST_INVALID", head);
    this.problems = problems;
  }
}
