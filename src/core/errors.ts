/**
 * Error types shared by every concern.
 *
 * A denial is a value, never an exception: these classes are for faults
 * (bad input, broken storage, misuse). `AstridError` carries a stable string
 * `code` so callers and wire protocols can branch on it; `UsageError` is a
 * user mistake at the command line that only `main()` turns into help text.
 *
 * @module
 */

/** Stable error codes. Add new ones here so they stay greppable. */
export type AstridErrorCode =
  | "CONFIG_INVALID"
  | "CONFIG_EXAMPLE_FAILED"
  | "KEY_EXISTS"
  | "KEY_MISSING"
  | "KEY_INVALID"
  | "TOKEN_INVALID"
  | "TOKEN_EXPIRED"
  | "TOKEN_REVOKED"
  | "TOKEN_CONSUMED"
  | "BUDGET_EXCEEDED"
  | "AUDIT_WRITE_FAILED"
  | "AUDIT_CHAIN_BROKEN"
  | "STORE_CONFLICT"
  | "STORE_FAILED"
  | "STORE_CLOSED"
  | "CAPSULE_MANIFEST_INVALID"
  | "CAPSULE_HASH_MISMATCH"
  | "CAPSULE_LOAD_FAILED"
  | "CAPSULE_TIMEOUT"
  | "CAPSULE_LIMIT"
  | "CAPSULE_CALL_FAILED"
  | "CAPSULE_CLOSED"
  | "CAPSULE_ARCHIVE_INVALID"
  | "CAPSULE_INSTALL_FAILED"
  | "MCP_START_FAILED"
  | "MCP_CALL_FAILED"
  | "SESSION_FORBIDDEN"
  | "SESSION_CONFLICT"
  | "SESSION_WORKSPACE_MISMATCH"
  | "SUBAGENT_REFUSED"
  | "WORKSPACE_INVALID"
  | "NOT_FOUND"
  | "NOT_IMPLEMENTED"
  | "INTERNAL";

/** A runtime error with a stable `code` and an optional `cause`. */
export class AstridError extends Error {
  override name = "AstridError";
  readonly code: AstridErrorCode;

  constructor(code: AstridErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * A mistake in how a command was invoked. `main()` prints the message with a
 * pointer to `--help` and exits with `exitCode` (2 by convention).
 */
export class UsageError extends Error {
  override name = "UsageError";
  readonly exitCode: number;

  constructor(message: string, exitCode = 2) {
    super(message);
    this.exitCode = exitCode;
  }
}
