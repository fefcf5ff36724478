/**
 * Placeholder analyser (replaced by the real shell parser in the next commits):
 * treats any line it cannot read trivially as unparseable, so it fails closed.
 *
 * @module
 */

import type { CommandAnalysis } from "./command_analysis.ts";

/** Analyse one shell command line. */
export function analyzeCommand(line: string, _cwd: string): CommandAnalysis {
  if (!/^[A-Za-z0-9_./ -]*$/.test(line) || line.trim() === "") {
    return { ok: false, reason: "not parsed yet" };
  }
  const words = line.trim().split(/ +/);
  const name = words[0] ?? "";
  return {
    ok: true,
    commands: [{
      name,
      executable: name.slice(name.lastIndexOf("/") + 1),
      args: words.slice(1),
      via: [],
      inlineEval: false,
    }],
    readPaths: [],
    writePaths: [],
    network: [],
    hasChains: false,
    hasRedirections: false,
    hasSubstitution: false,
  };
}
