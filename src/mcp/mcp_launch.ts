/**
 * What starting one stdio MCP server means, as a value: the program, its
 * arguments, the exact environment it gets and the folder it runs in. The
 * capsule engine builds it from an approved plan; the transport starts it.
 *
 * Invariant: `env` is the child's whole environment (plus a minimal `PATH`
 * when it has none). Nothing of the parent's
 * environment is inherited (the transport clears it), so a secret in
 * Astrid's own environment never reaches a server unless it was declared
 * and supplied for that server.
 *
 * @module
 */

/** One stdio MCP server to start. */
export interface McpLaunch {
  /** The name the agent sees in `mcp:<server>:<tool>`. */
  readonly server: string;
  /** A program name (looked up in the parent's `PATH`) or a path relative to `cwd`. */
  readonly command: string;
  readonly args: readonly string[];
  /** The child's entire environment (`PATH` defaults to {@link MINIMAL_PATH}). */
  readonly env: Readonly<Record<string, string>>;
  /** Absolute working directory of the child. */
  readonly cwd: string;
}

/** `PATH` given to a server that declares none: the system folders only. */
export const MINIMAL_PATH = "/usr/local/bin:/usr/bin:/bin";
