/**
 * The admin policy as configuration writes it (`[policy]` in config.toml).
 * The config module's `ResolvedConfig["policy"]` has this shape and is passed
 * straight to `compilePolicy()`.
 *
 * @module
 */

/** `[policy]`: admin hard boundaries. Every list only ever adds to the built-in floor. */
export interface PolicyConfig {
  /** Program names (`rm`), paths (`/usr/local/bin/x`) or name globs (`python*`). */
  blocked_commands: string[];
  /**
   * Path globs denied for every kind of access. Relative patterns match at any
   * depth, like `.gitignore` does: `*.pem` denies a `.pem` file in any folder.
   */
  denied_paths: string[];
  /**
   * When non-empty, paths outside the workspace must match one of these globs.
   * Relative patterns are relative to the workspace root.
   */
  allowed_paths: string[];
  /** Host globs (`*.example.com`, `evil.com:8080`, `[::1]:*`) that are always denied. */
  denied_hosts: string[];
  /** When non-empty, only hosts matching one of these globs may be reached. */
  allowed_hosts: string[];
  /** Largest tool-call argument payload accepted, in bytes (UTF-8 of the JSON). */
  max_argument_bytes: number;
  /** Tool names or globs (`mcp:github:*`) that always need a human. */
  always_ask_tools: string[];
  /** Capsule ids or globs that may never run. */
  blocked_capsules: string[];
}

/** The default argument-size limit: 1 MiB. */
export const DEFAULT_MAX_ARGUMENT_BYTES = 1_048_576;

/** An empty policy: only the built-in floor applies. */
export function defaultPolicyConfig(): PolicyConfig {
  return {
    blocked_commands: [],
    denied_paths: [],
    allowed_paths: [],
    denied_hosts: [],
    allowed_hosts: [],
    max_argument_bytes: DEFAULT_MAX_ARGUMENT_BYTES,
    always_ask_tools: [],
    blocked_capsules: [],
  };
}
