/**
 * The gate in front of the daemon's WebSocket: who may open a connection.
 * Pure; the server shell feeds it the request line and headers, audits
 * refusals and counts them against the address's rate limit.
 *
 * Invariants:
 * - A web page must not drive the daemon: any `Origin` header (browsers always
 *   send one on a WebSocket upgrade) is refused, and so is a `Host` other than
 *   `127.0.0.1:<port>` or `localhost:<port>` (a DNS-rebinding page names its
 *   own host).
 * - The token is never taken from the URL (URLs end up in logs, history and
 *   `Referer`): a request with a query string is refused even if it carries the
 *   right token, and the token is only read from `Authorization: Bearer`.
 *
 * @module
 */

import { type Credential, principalOf } from "./credentials.ts";

/** The path clients connect to. */
export const RPC_PATH = "/rpc";

/** What the gate looks at. Header names are lower case. */
export interface UpgradeRequest {
  readonly method: string;
  readonly path: string;
  /** The raw query string without `?` (empty when there is none). */
  readonly query: string;
  header(name: string): string | null;
}

/** Why a connection was refused, as a value. */
export type UpgradeVerdict =
  | { readonly ok: true; readonly principal: string }
  | {
    readonly ok: false;
    readonly status: 400 | 401 | 403 | 404 | 405 | 426;
    /** Short stable tag for logs and the audit entry. */
    readonly reason:
      | "not_found"
      | "method"
      | "foreign_host"
      | "browser_origin"
      | "query_string"
      | "not_websocket"
      | "no_token"
      | "wrong_token";
    readonly message: string;
  };

/** Decide whether `req` may become a daemon connection on `port`. */
export function checkUpgrade(
  req: UpgradeRequest,
  port: number,
  credentials: readonly Credential[],
): UpgradeVerdict {
  if (req.path !== RPC_PATH) {
    return refuse(404, "not_found", `Nothing at "${req.path}"; connect to ${RPC_PATH}`);
  }
  if (req.method !== "GET") {
    return refuse(405, "method", `Method ${req.method} is not allowed; open a WebSocket with GET`);
  }
  const host = req.header("host");
  if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
    return refuse(
      403,
      "foreign_host",
      `Host ${
        JSON.stringify(host)
      } is refused; expected "127.0.0.1:${port}" or "localhost:${port}"`,
    );
  }
  const origin = req.header("origin");
  if (origin !== null) {
    return refuse(
      403,
      "browser_origin",
      `Connections from web pages are refused (Origin ${JSON.stringify(origin)})`,
    );
  }
  if (req.query !== "") {
    return refuse(
      400,
      "query_string",
      "A query string is refused: never put the token in a URL; send it as 'Authorization: Bearer <token>'",
    );
  }
  if (req.header("upgrade")?.toLowerCase() !== "websocket") {
    return refuse(426, "not_websocket", "Only WebSocket upgrades are served here");
  }
  const auth = req.header("authorization");
  if (auth === null) {
    return refuse(401, "no_token", "Missing 'Authorization: Bearer <token>' header");
  }
  const m = /^Bearer ([A-Za-z0-9_-]{1,512})$/.exec(auth);
  const principal = m ? principalOf(credentials, m[1]!) : undefined;
  if (principal === undefined) {
    return refuse(401, "wrong_token", "The token is not valid for this daemon");
  }
  return { ok: true, principal };
}

function refuse(
  status: 400 | 401 | 403 | 404 | 405 | 426,
  reason: Extract<UpgradeVerdict, { ok: false }>["reason"],
  message: string,
): UpgradeVerdict {
  return { ok: false, status, reason, message };
}
