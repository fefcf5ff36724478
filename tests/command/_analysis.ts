/**
 * Test helpers: run the analyser and pull out the parts a test asserts on.
 *
 * @module
 */

import assert from "node:assert/strict";
import { analyzeCommand, type AnalyzeOptions } from "../../src/security/command/mod.ts";
import type { CommandAnalysis } from "../../src/security/command/mod.ts";

export const CWD = "/work/ws";

/** The analysis of `line`, which must have parsed. */
export function ok(line: string, options?: AnalyzeOptions): Extract<CommandAnalysis, { ok: true }> {
  const a = analyzeCommand(line, CWD, options);
  assert.ok(a.ok, `expected ${JSON.stringify(line)} to parse, got: ${a.ok ? "" : a.reason}`);
  return a;
}

/** Executable base names, in the order found. */
export function exes(line: string): string[] {
  return ok(line).commands.map((c) => c.executable);
}

/** Every path the line touches, whatever the kind. */
export function allPaths(line: string): string[] {
  const a = ok(line);
  return [...a.readPaths, ...a.writePaths, ...a.deletePaths];
}

/** `host:port` of every network target. */
export function hosts(line: string): string[] {
  return ok(line).network.map((n) => `${n.host}:${n.port}`);
}
