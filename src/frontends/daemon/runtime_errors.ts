/**
 * Runtime errors as wire errors. A session that does not exist, belongs to
 * another principal or to another workspace is one and the same answer,
 * `sessionNotFound`, with the same message: a principal cannot learn that
 * someone else's session exists.
 *
 * @module
 */

import { AstridError } from "../../core/mod.ts";
import { RPC_ERRORS, RpcError } from "./protocol.ts";

const HIDDEN = new Set(["NOT_FOUND", "SESSION_FORBIDDEN", "SESSION_WORKSPACE_MISMATCH"]);

/** The `sessionNotFound` error for `sessionId`. */
export function sessionNotFound(sessionId: string): RpcError {
  return new RpcError(RPC_ERRORS.sessionNotFound, `No session "${sessionId}"`);
}

/** Map what a runtime call threw about `sessionId` to a wire error. */
export function rpcErrorOf(e: unknown, sessionId?: string): unknown {
  if (e instanceof RpcError || !(e instanceof AstridError)) return e;
  if (HIDDEN.has(e.code) && sessionId !== undefined) return sessionNotFound(sessionId);
  if (e.code === "SESSION_CONFLICT") {
    return new RpcError(RPC_ERRORS.sessionBusy, e.message, { code: e.code });
  }
  return new RpcError(RPC_ERRORS.runtimeError, e.message, { code: e.code });
}

/** Run `fn`, turning runtime errors about `sessionId` into wire errors. */
export async function aboutSession<T>(sessionId: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw rpcErrorOf(e, sessionId);
  }
}
