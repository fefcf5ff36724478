/**
 * The daemon's wire protocol: JSON-RPC 2.0 messages over one WebSocket text
 * frame each, the protocol version a client must name in its `hello`, and the
 * stable error codes. Pure: parsing and building messages, no I/O.
 *
 * Errors that cross the wire are {@link RpcError}s with a code from
 * {@link RPC_ERRORS}; anything else thrown by a method is reported as
 * `internal` without its stack.
 *
 * @module
 */

/** The protocol version this daemon speaks; a `hello` naming another is refused. */
export const PROTOCOL_VERSION = 1;

/** Largest message accepted, in UTF-16 code units of the frame's text. */
export const MAX_MESSAGE_CHARS = 4 * 1024 * 1024;

/**
 * Stable error codes. The JSON-RPC 2.0 ones (-32700..-32603) keep their
 * meaning; the daemon's own are in the implementation-defined range.
 */
export const RPC_ERRORS = {
  /** The frame is not JSON. */
  parseError: -32700,
  /** Not a JSON-RPC 2.0 request object (or a batch, which is not supported). */
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internal: -32603,
  /** No such session for this principal (another principal's sessions do not exist for you). */
  sessionNotFound: -32001,
  /** Not allowed: no `hello` yet, or the principal may not call this method. */
  unauthorized: -32002,
  /** The daemon is stopping and takes no new work. */
  shuttingDown: -32003,
  /** The approval request was already answered, withdrawn, or never existed. */
  approvalAnswered: -32004,
  /** The client speaks another protocol version. */
  protocolMismatch: -32005,
  /** A turn is already running in that session. */
  sessionBusy: -32006,
  /** The runtime refused or failed (an `AstridError`; `data.code` names it). */
  runtimeError: -32010,
} as const;

/** One of {@link RPC_ERRORS}' values. */
export type RpcErrorCode = typeof RPC_ERRORS[keyof typeof RPC_ERRORS];

/** An error that is sent to the client as is. */
export class RpcError extends Error {
  override name = "RpcError";
  readonly code: number;
  readonly data: unknown;

  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.code = code;
    this.data = data;
  }
}

/** A request id as JSON-RPC allows it. */
export type RpcId = string | number | null;

/** What a frame turned out to be. */
export type Incoming =
  | {
    readonly kind: "request";
    readonly id: string | number;
    readonly method: string;
    readonly params: Readonly<Record<string, unknown>>;
  }
  | {
    readonly kind: "notification";
    readonly method: string;
    readonly params: Readonly<Record<string, unknown>>;
  }
  /** A reply to a server request (the daemon sends none; ignored). */
  | { readonly kind: "response" }
  | { readonly kind: "invalid"; readonly id: RpcId; readonly error: RpcError };

/** A server-to-client message. */
export type Outgoing =
  | { readonly jsonrpc: "2.0"; readonly id: RpcId; readonly result: unknown }
  | {
    readonly jsonrpc: "2.0";
    readonly id: RpcId;
    readonly error: { readonly code: number; readonly message: string; readonly data?: unknown };
  }
  | { readonly jsonrpc: "2.0"; readonly method: string; readonly params: unknown };

/** Parse one frame. Never throws. */
export function parseMessage(text: string): Incoming {
  if (text.length > MAX_MESSAGE_CHARS) {
    return invalid(
      null,
      RPC_ERRORS.invalidRequest,
      `Message of ${text.length} characters is over the limit of ${MAX_MESSAGE_CHARS}`,
    );
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return invalid(null, RPC_ERRORS.parseError, `Message is not JSON: ${(e as Error).message}`);
  }
  if (Array.isArray(v)) {
    return invalid(
      null,
      RPC_ERRORS.invalidRequest,
      "Batches are not supported: send one request per message",
    );
  }
  if (typeof v !== "object" || v === null) {
    return invalid(null, RPC_ERRORS.invalidRequest, "Message is not a JSON-RPC object");
  }
  const m = v as Record<string, unknown>;
  const rawId = m.id;
  const hasId = "id" in m;
  const idOk = rawId === null || typeof rawId === "string" ||
    (typeof rawId === "number" && Number.isFinite(rawId));
  const id: RpcId = idOk ? rawId as RpcId : null;
  if (m.jsonrpc !== "2.0") {
    return invalid(
      id,
      RPC_ERRORS.invalidRequest,
      `"jsonrpc" must be "2.0", got ${show(m.jsonrpc)}`,
    );
  }
  if (!("method" in m) && ("result" in m || "error" in m)) return { kind: "response" };
  if (typeof m.method !== "string" || m.method === "") {
    return invalid(
      id,
      RPC_ERRORS.invalidRequest,
      `"method" must be a non-empty string, got ${show(m.method)}`,
    );
  }
  if (hasId && (!idOk || rawId === null)) {
    return invalid(
      null,
      RPC_ERRORS.invalidRequest,
      `"id" must be a string or a number, got ${show(rawId)}`,
    );
  }
  const p = m.params;
  if (p !== undefined && (typeof p !== "object" || p === null || Array.isArray(p))) {
    return invalid(
      id,
      RPC_ERRORS.invalidParams,
      `"params" must be an object (named parameters), got ${show(p)}`,
    );
  }
  const params = (p ?? {}) as Record<string, unknown>;
  return hasId
    ? { kind: "request", id: rawId as string | number, method: m.method, params }
    : { kind: "notification", method: m.method, params };
}

/** A success reply. */
export function resultMessage(id: RpcId, result: unknown): string {
  return JSON.stringify({ jsonrpc: "2.0", id, result: result ?? null });
}

/** An error reply; non-`RpcError`s become `internal` without details. */
export function errorMessage(id: RpcId, e: unknown): string {
  const err = e instanceof RpcError ? e : new RpcError(RPC_ERRORS.internal, "Internal error");
  const error = err.data === undefined
    ? { code: err.code, message: err.message }
    : { code: err.code, message: err.message, data: err.data };
  return JSON.stringify({ jsonrpc: "2.0", id, error });
}

/** A notification (no id, no reply expected). */
export function notificationMessage(method: string, params: unknown): string {
  return JSON.stringify({ jsonrpc: "2.0", method, params });
}

function invalid(id: RpcId, code: number, message: string): Incoming {
  return { kind: "invalid", id, error: new RpcError(code, message) };
}

function show(v: unknown): string {
  if (v === undefined) return "nothing";
  const s = JSON.stringify(v);
  return s.length > 40 ? `${s.slice(0, 40)}...` : s;
}
