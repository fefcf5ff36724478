/**
 * The built-in tool contract. A tool validates its arguments, can preview
 * what it would do for the approval prompt, and executes. Tools never decide
 * whether they may run: the caller has already passed the call through the
 * interceptor. They still confine every path at the moment of use (defence
 * in depth) and refuse outside paths unless the caller marks an approved escape.
 *
 * @module
 */

import type { JsonValue } from "../core/mod.ts";
import type { WorkspaceBoundary } from "../workspace/mod.ts";

/** Limits every tool obeys (from `[tools]`). */
export interface ToolLimits {
  readonly read_max_bytes: number;
  readonly max_output_bytes: number;
  readonly bash_timeout_secs: number;
  readonly env_allowlist: readonly string[];
  /** Most entries a listing, glob or grep returns. */
  readonly max_results: number;
  /** Time budget of one glob/grep call, ms. */
  readonly search_timeout_ms: number;
}

/** Defaults matching the config schema's. */
export const DEFAULT_TOOL_LIMITS: ToolLimits = {
  read_max_bytes: 10 * 1024 * 1024,
  max_output_bytes: 1024 * 1024,
  bash_timeout_secs: 120,
  env_allowlist: ["PATH", "HOME", "LANG", "LC_ALL", "TERM", "USER", "TMPDIR", "SHELL"],
  max_results: 1000,
  search_timeout_ms: 10_000,
};

/** What a tool runs with. */
export interface ToolContext {
  readonly workspace: WorkspaceBoundary;
  readonly signal: AbortSignal;
  readonly limits: ToolLimits;
  /** The parent environment; tools pass on only allowlisted names. */
  readonly env: Readonly<Record<string, string>>;
  /** Set by the caller only after the interceptor approved an escape outside the workspace. */
  readonly allowOutside?: boolean;
}

/** What a tool returns. `output` is what the model sees. */
export interface ToolResult {
  readonly ok: boolean;
  readonly output: string;
  readonly data?: JsonValue;
  readonly error?: string;
}

/** What the human sees before approving: a diff, or the exact command and folder. */
export interface ToolPreview {
  readonly kind: "diff" | "command" | "text";
  readonly text: string;
}

/** One built-in tool. */
export interface ToolDefinition<A = unknown> {
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the arguments, for LLM tool calling. */
  readonly inputSchema: { readonly [key: string]: JsonValue };
  /** Validate raw arguments; throws `TypeError` naming the field and what was expected. */
  parse(raw: unknown): A;
  preview?(args: A, ctx: ToolContext): Promise<ToolPreview | undefined>;
  execute(args: A, ctx: ToolContext): Promise<ToolResult>;
}

/** A failed result with the same text for the model and the error. */
export function toolError(message: string): ToolResult {
  return { ok: false, output: message, error: message };
}

/** Clip `text` to `max` UTF-8 bytes, marking the cut. */
export function clipOutput(text: string, max: number): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= max) return text;
  const head = new TextDecoder().decode(bytes.subarray(0, max)).replace(/\uFFFD$/, "");
  return `${head}\n[output truncated: ${bytes.length} bytes, limit ${max}]`;
}
