/**
 * Every method the daemon serves after `hello`, by name.
 *
 * @module
 */

import { McpRunRegistry } from "../../../mcp/mod.ts";
import type { Method } from "../method_env.ts";
import { APPROVAL_METHODS } from "./approval_methods.ts";
import { INFO_METHODS } from "./info_methods.ts";
import { SESSION_METHODS } from "./session_methods.ts";
import { TURN_METHODS } from "./turn_methods.ts";

/** Method name -> handler. */
export const DAEMON_METHODS: ReadonlyMap<string, Method> = new Map(Object.entries({
  ...INFO_METHODS,
  ...SESSION_METHODS,
  ...TURN_METHODS,
  ...APPROVAL_METHODS,
  /** The MCP server processes this daemon started (capsules' and [[mcp.servers]]). */
  "servers.running": async (env) => {
    const pid = env.status().pid;
    const rows = await new McpRunRegistry(env.rt.kv).list();
    return { servers: rows.filter((r) => r.hostPid === pid) };
  },
}));

/** Methods still served while the daemon stops. */
export const WHILE_STOPPING: ReadonlySet<string> = new Set(["daemon.status", "daemon.stop"]);
