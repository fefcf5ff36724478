/**
 * The `ToolHost` port: the tools an agent may call, as the agent loop sees
 * them. The loop never calls a tool directly: every call is classified and
 * passes the interceptor first, and only an `allow` reaches `call()`.
 *
 * Adapters: the built-in tools (`src/tools/`), MCP servers; in tests, fakes
 * over real files.
 *
 * @module
 */

import type { LlmToolSpec } from "../../llm/mod.ts";
import type { ClassifiedCall } from "../../security/mod.ts";

/** Where and for whom a tool runs. */
export interface AgentToolContext {
  /** Canonical folder the agent works in: relative paths resolve here. */
  readonly root: string;
  /** Aborted when the turn is cancelled: stop and clean up (kill process groups). */
  readonly signal: AbortSignal;
  readonly sessionId: string;
  /** `agent` or a sub-agent label. */
  readonly requestedBy: string;
  /**
   * True only when the interceptor allowed actions outside the workspace
   * (an approved escape): tools that confine paths at use may then accept them.
   */
  readonly allowOutside: boolean;
}

/** What a tool returned. `output` goes back to the model as untrusted data. */
export interface ToolOutput {
  readonly ok: boolean;
  readonly output: string;
  /** Why it failed, when `ok` is false (also sent to the model). */
  readonly error?: string;
}

/** The tools offered to a model. */
export interface ToolHost {
  /** Tool names, descriptions and JSON schemas. */
  specs(): readonly LlmToolSpec[];
  /** What the human sees besides the summary (a diff, the command and cwd), when useful. */
  preview?(
    name: string,
    args: Readonly<Record<string, unknown>>,
    ctx: AgentToolContext,
  ): Promise<string | undefined>;
  /**
   * Classify a call into the actions the interceptor checks, when this host
   * knows more than the runtime's classifier (an MCP server's path arguments
   * and tool annotations). `undefined` means "use the runtime's classifier".
   */
  classify?(
    name: string,
    args: Readonly<Record<string, unknown>>,
    cwd: string,
  ): ClassifiedCall | undefined;
  /** Run an allowed call. Should not throw; a throw is reported as a failed call. */
  call(
    name: string,
    args: Readonly<Record<string, unknown>>,
    ctx: AgentToolContext,
  ): Promise<ToolOutput>;
}

/** A host with no tools. */
export const NO_TOOLS: ToolHost = {
  specs: () => [],
  call: (name) => Promise.resolve({ ok: false, output: "", error: `no tool "${name}"` }),
};
