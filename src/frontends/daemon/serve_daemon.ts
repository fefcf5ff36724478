/**
 * The daemon's network shell: hono on `Deno.serve`, bound to 127.0.0.1 on a
 * free port. Every request passes the rate limiter and the upgrade gate
 * (`checkUpgrade`) before it can become a WebSocket; every refusal is
 * audited (a refused burst once, when the limiter engages) and logged.
 *
 * @module
 */

import { Hono } from "hono";
import { upgradeWebSocket } from "hono/deno";
import type { AuditDraft } from "../../security/mod.ts";
import { checkUpgrade, RPC_PATH } from "./check_upgrade.ts";
import type { Credential } from "./credentials.ts";
import type { DaemonConnection, DaemonCore, DaemonLog } from "./daemon_core.ts";
import { errorMessage, RPC_ERRORS, RpcError } from "./protocol.ts";
import type { FailureLimiter } from "./token_bucket.ts";

/** What the server shell needs. */
export interface ServeDaemonOptions {
  readonly core: DaemonCore;
  readonly credentials: readonly Credential[];
  readonly limiter: FailureLimiter;
  /** Records a refused attempt; awaited before the refusal is sent. */
  readonly audit: (draft: AuditDraft) => Promise<unknown>;
  readonly log: DaemonLog;
  /** Default 0: a free port. */
  readonly port?: number;
}

/** A listening daemon server. */
export interface DaemonServer {
  readonly port: number;
  /** Stop listening and wait for the server to finish. */
  shutdown(): Promise<void>;
}

type Env = { Bindings: Deno.ServeHandlerInfo<Deno.NetAddr>; Variables: { principal: string } };

/** The session id audit entries about the daemon itself are filed under. */
export const DAEMON_AUDIT_SESSION = "daemon";

/** Listen on 127.0.0.1 and serve `core`. */
export function serveDaemon(o: ServeDaemonOptions): DaemonServer {
  let port = 0;
  const app = new Hono<Env>();

  app.use("*", async (c, next) => {
    const remote = c.env.remoteAddr.hostname;
    if (o.core.stopping) {
      return c.json(wireError(RPC_ERRORS.shuttingDown, "The daemon is stopping"), 503);
    }
    const limited = o.limiter.check(remote);
    if (!limited.ok) {
      if (limited.first) {
        o.log("warn", "rate limit engaged for failed connection attempts", { remote });
        await o.audit({
          sessionId: DAEMON_AUDIT_SESSION,
          principal: "anonymous",
          kind: "event",
          decision: "deny",
          summary: `Daemon connection attempts from ${remote} rate-limited after repeated failures`,
          detail: { type: "daemon_rate_limited", remote },
        });
      }
      c.header("Retry-After", String(Math.ceil(limited.retryAfterMs / 1000)));
      return c.json(wireError(RPC_ERRORS.unauthorized, "Too many failed attempts; try later"), 429);
    }
    const url = new URL(c.req.url);
    const verdict = checkUpgrade(
      {
        method: c.req.method,
        path: url.pathname,
        query: url.search.slice(1),
        header: (name) => c.req.raw.headers.get(name),
      },
      port,
      o.credentials,
    );
    if (!verdict.ok) {
      o.limiter.fail(remote);
      o.log("warn", "connection refused", {
        remote,
        reason: verdict.reason,
        status: verdict.status,
      });
      // Neither the query string nor any presented token is recorded.
      await o.audit({
        sessionId: DAEMON_AUDIT_SESSION,
        principal: "anonymous",
        kind: "event",
        decision: "deny",
        summary: `Daemon connection refused from ${remote}: ${verdict.reason}`,
        detail: {
          type: "daemon_connection_refused",
          remote,
          reason: verdict.reason,
          status: verdict.status,
          path: url.pathname.slice(0, 200),
        },
      });
      return c.json(wireError(RPC_ERRORS.unauthorized, verdict.message), verdict.status);
    }
    c.set("principal", verdict.principal);
    return await next();
  });

  app.get(
    RPC_PATH,
    upgradeWebSocket((c) => {
      const principal = c.get("principal");
      const remote = `${c.env.remoteAddr.hostname}:${c.env.remoteAddr.port}`;
      let conn: DaemonConnection | undefined;
      return {
        onOpen(_evt, ws) {
          conn = o.core.connect(
            {
              send: (text) => ws.send(text),
              close: (code, reason) => ws.close(code, reason),
            },
            principal,
            remote,
          );
          o.log("info", "client connected", { connection: conn.id, remote, principal });
        },
        onMessage(evt) {
          if (conn === undefined) return;
          if (typeof evt.data !== "string") {
            conn.send(errorMessage(
              null,
              new RpcError(RPC_ERRORS.invalidRequest, "Binary frames are not supported: send text"),
            ));
            return;
          }
          void conn.receive(evt.data);
        },
        onClose() {
          if (conn === undefined) return;
          o.log("info", "client disconnected", { connection: conn.id });
          conn.closed();
        },
      };
    }),
  );

  const server = Deno.serve(
    { hostname: "127.0.0.1", port: o.port ?? 0, onListen() {} },
    app.fetch,
  );
  port = server.addr.port;
  return {
    port,
    shutdown: () => server.shutdown(),
  };
}

function wireError(code: number, message: string) {
  return { error: { code, message } };
}
