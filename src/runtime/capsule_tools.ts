/**
 * What installed capsules and config-declared servers give a long-running
 * host (the daemon): the tools of their approved MCP servers as one
 * `ToolHost`, and their static context for the system prompt.
 *
 * Invariants:
 * - only enabled servers with an approved tool list are started, and a
 *   server whose tools no longer hash to that approval offers nothing: it is
 *   stopped and the mismatch is audited (as `astrid servers tools` does);
 * - capsules in `policy.blocked_capsules`, and capsules whose files changed
 *   since they were approved, contribute nothing;
 * - one server failing to start is a warning; the others still run.
 *
 * @module
 */

import {
  CapsuleStore,
  capsuleTreeHash,
  planCapsule,
  readStaticFiles,
  renderStaticContext,
  staticContribution,
} from "../capsule/mod.ts";
import {
  type ApprovedServer,
  describeToolChange,
  McpRunRegistry,
  type McpSession,
  mcpToolHost,
  openApprovedServer,
} from "../mcp/mod.ts";
import type { ToolHost } from "./agent/tool_host.ts";
import { listServers } from "./mcp_servers.ts";
import type { SecurityRuntime } from "./security_runtime.ts";

/** How to open them. */
export interface CapsuleToolsOptions {
  /** Astrid's environment: `PATH` finds server programs; `{ from_env }` values come from here. */
  readonly env: Readonly<Record<string, string>>;
  /** Who the audit entries name. */
  readonly principal?: string;
  /** Called with each warning as it happens (also returned in `warnings`). */
  readonly warn?: (message: string) => void;
  /** Per-call time limit of a server tool, in ms (default 60 s). */
  readonly timeoutMs?: number;
}

/** A server this host started. */
export interface StartedServer {
  readonly server: string;
  readonly capsule?: string;
  readonly pid: number | null;
  readonly tools: readonly string[];
}

/** The open servers and context. */
export interface CapsuleTools {
  readonly host: ToolHost;
  /** Static context of the capsules, for the system prompt ("" when none). */
  readonly systemContext: string;
  readonly servers: readonly StartedServer[];
  readonly warnings: readonly string[];
  /** Stop every server (idempotent). */
  close(): Promise<void>;
}

/** Start the approved servers and collect the static context. */
export async function openCapsuleTools(
  rt: SecurityRuntime,
  o: CapsuleToolsOptions,
): Promise<CapsuleTools> {
  const warnings: string[] = [];
  const warn = (m: string) => {
    warnings.push(m);
    o.warn?.(m);
  };
  const blocked = new Set(rt.config.policy.blocked_capsules);
  const listed = await listServers(rt, { env: o.env, workspace: rt.workspace });
  listed.warnings.forEach(warn);
  const registry = new McpRunRegistry(rt.kv);
  const sessions: McpSession[] = [];
  const unregister: (() => Promise<void>)[] = [];
  const ready: ApprovedServer[] = [];
  const started: StartedServer[] = [];

  const open = async (entry: (typeof listed.servers)[number]) => {
    const label = entry.capsule
      ? `${entry.id} (capsule ${entry.capsule})`
      : `${entry.id} ([[mcp.servers]])`;
    if (!entry.enabled) return;
    if (entry.capsule && blocked.has(entry.capsule)) {
      warn(`MCP server ${label} not started: the capsule is in policy.blocked_capsules`);
      return;
    }
    if (entry.pin === null) {
      warn(
        `MCP server ${label} not started: its tool list is not approved (run 'astrid servers tools ${entry.id}')`,
      );
      return;
    }
    try {
      const launch = await entry.launch();
      const pin = await entry.trustedPin();
      const opened = await openApprovedServer(launch, pin, {
        ...(entry.capsule ? { capsule: entry.capsule } : {}),
        searchPath: o.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
      });
      sessions.push(opened.session);
      const pid = opened.session.pid;
      if (opened.kind === "unapproved") {
        const change = opened.verdict.kind === "changed"
          ? describeToolChange(opened.verdict.change)
          : opened.tools.map((t) => `+ ${t.name} (new tool)`);
        // A changed list is on the record; the server offers nothing until approved again.
        await rt.audit.append({
          sessionId: "-",
          principal: o.principal ?? "daemon",
          kind: "event",
          decision: "deny",
          summary:
            `MCP server ${label} reports a tool list that differs from the approved one: not offered`,
          detail: {
            server: entry.id,
            capsule: entry.capsule ?? null,
            pinned: pin?.hash ?? null,
            current: opened.verdict.hash,
            change,
          },
        });
        await opened.session.close();
        warn(
          `MCP server ${label} not offered: its tool list ${opened.verdict.hash} differs from the approved ${
            pin?.hash ?? "none"
          } (review it with 'astrid servers tools ${entry.id}')`,
        );
        return;
      }
      if (pid !== null) {
        unregister.push(
          await registry.register({
            server: entry.id,
            ...(entry.capsule ? { capsule: entry.capsule } : {}),
            pid,
            hostPid: Deno.pid,
            startedAt: Date.now(),
          }),
        );
      }
      ready.push(opened.host);
      started.push({
        server: entry.id,
        ...(entry.capsule ? { capsule: entry.capsule } : {}),
        pid,
        tools: opened.host.tools.map((t) => t.name),
      });
    } catch (e) {
      warn(`MCP server ${label} could not start: ${(e as Error).message}`);
    }
  };
  await Promise.all(listed.servers.map(open));

  const byName = (a: { server: string }, b: { server: string }) =>
    a.server < b.server ? -1 : a.server > b.server ? 1 : 0;
  ready.sort(byName);
  started.sort(byName);
  const systemContext = await staticContext(rt, blocked, warn);
  let closed = false;
  return {
    host: mcpToolHost(rt, ready, o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    systemContext,
    servers: started,
    warnings,
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all(sessions.map((s) => s.close().catch(() => {})));
      for (const u of unregister) await u().catch(() => {});
    },
  };
}

/** The static context of every installed capsule that may load. */
async function staticContext(
  rt: SecurityRuntime,
  blocked: ReadonlySet<string>,
  warn: (m: string) => void,
): Promise<string> {
  const store = new CapsuleStore(rt.kv, rt.home);
  const parts: string[] = [];
  for (const record of await store.list()) {
    if (blocked.has(record.name)) continue;
    try {
      const dir = store.dirOf(record.name);
      const tree = await capsuleTreeHash(dir);
      if (!tree.ok || tree.hash !== record.contentHash) {
        warn(`capsule "${record.name}" is modified or missing on disk: its context is not used`);
        continue;
      }
      const plan = planCapsule(await store.manifestOf(record.name), record.approved);
      for (const engine of plan.engines) {
        if (engine.kind !== "static") continue;
        const r = staticContribution(engine, await readStaticFiles(dir, engine));
        if (!r.ok) warn(r.reason);
        else {
          const text = renderStaticContext(r.contribution);
          if (text !== "") parts.push(text);
        }
      }
    } catch (e) {
      warn(`capsule "${record.name}": its context could not be read: ${(e as Error).message}`);
    }
  }
  return parts.join("\n\n");
}
