/**
 * `astrid servers list|running|start|stop|tools`: the MCP servers of
 * installed capsules and of `[[mcp.servers]]` in trusted config (pins of
 * the latter under `$ASTRID_HOME/capsule-state/_config/`).
 *
 * Semantics:
 * - `tools <server>` starts the server, lists its tools and compares the
 *   list with the approved pin, then stops it. A changed list is shown,
 *   audited, and asked about again (`--yes` for scripts); until approved,
 *   none of its tools is offered to the agent;
 * - `start`/`stop` enable or disable a server for the hosts that run them
 *   (sessions, the daemon later): a stopped server is not started or
 *   offered. `start` also starts it once to check that it runs and still
 *   matches its pin. Both are audited;
 * - `running` asks the running daemon for the servers it started
 *   (`servers.running`); without a daemon it says none runs.
 *
 * @module
 */

import type { Command } from "commander";
import { AstridError, UsageError } from "../../../core/mod.ts";
import {
  describeToolChange,
  McpRunRegistry,
  type McpToolInfo,
  openApprovedServer,
  type RunningServer,
  toolListHash,
} from "../../../mcp/mod.ts";
import { listServers, type SecurityRuntime, type ServerEntry } from "../../../runtime/mod.ts";
import { connectToDaemon, locateDaemon } from "../../daemon/mod.ts";
import type { CliContext, RegisterCommand } from "../context.ts";
import { operatorName, withRuntime } from "../with_runtime.ts";
import { terminalPrompt } from "./capsule.ts";

/** Register `astrid servers`. */
export const registerServersCommand: RegisterCommand = (program, ctx) => {
  const servers = program.command("servers")
    .description("Manage MCP servers")
    .addHelpText(
      "after",
      `
Examples:
  $ astrid servers list
  $ astrid servers tools github          start it, list its tools, check the pinned list
  $ astrid servers stop github           no longer start or offer it
  $ astrid servers running --json`,
    );

  servers.command("list")
    .description("List the MCP servers of installed capsules")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withRuntime(ctx, cmd, async (rt) => {
        const running = await new McpRunRegistry(rt.kv).list();
        const listed = await listServers(rt, { env: ctx.env, workspace: rt.workspace });
        for (const w of listed.warnings) ctx.io.stderr(`warning: ${w}\n`);
        const rows = listed.servers.map((s) => ({
          server: s.id,
          origin: s.origin,
          capsule: s.capsule ?? null,
          enabled: s.enabled,
          command: s.command,
          env: s.env,
          toolListHash: s.pin,
          tools: s.tools.length,
          running: running.filter((p) => p.server === s.id).map((p) => p.pid),
        }));
        if (opts.json) {
          ctx.io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
          return;
        }
        if (rows.length === 0) {
          ctx.io.stdout(
            "No MCP servers (install a capsule that declares [[mcp_server]], or add [[mcp.servers]] to your config).\n",
          );
          return;
        }
        for (const r of rows) {
          ctx.io.stdout(
            `${r.server}  ${r.enabled ? "enabled" : "stopped"}  ${
              r.capsule ? `capsule ${r.capsule}` : "config"
            }  ${r.tools} tools  ` +
              `${r.toolListHash ?? "no approved tool list"}${
                r.running.length > 0 ? `  running (pid ${r.running.join(", ")})` : ""
              }\n    ${r.command.join(" ")}\n`,
          );
        }
      });
    });

  servers.command("running")
    .description("List MCP server processes running now, and the host running each")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withRuntime(ctx, cmd, async (rt) => {
        const where = await locateDaemon(rt.home);
        if (where.kind !== "running") {
          if (opts.json) {
            ctx.io.stdout("[]\n");
          } else ctx.io.stdout("No daemon is running, so no MCP servers are running.\n");
          return;
        }
        const client = await connectToDaemon(rt.home, { client: "astrid-servers" });
        let rows: RunningServer[];
        try {
          rows = (await client.call<{ servers: RunningServer[] }>("servers.running")).servers;
        } finally {
          await client.close();
        }
        if (opts.json) {
          ctx.io.stdout(
            `${JSON.stringify(rows, null, 2)}\n`,
          );
          return;
        }
        if (rows.length === 0) {
          ctx.io.stdout(`The daemon (pid ${where.pid}) runs no MCP servers.\n`);
          return;
        }
        for (const r of rows) {
          ctx.io.stdout(
            `${r.server}  pid ${r.pid}  host pid ${r.hostPid}  since ${
              new Date(r.startedAt).toISOString()
            }${r.capsule ? `  capsule ${r.capsule}` : ""}\n`,
          );
        }
      });
    });

  servers.command("start")
    .description("Enable a server for sessions, after checking it starts and matches its pin")
    .argument("<server>", "server id (from 'astrid servers list')")
    .option("--json", "print JSON")
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      await withRuntime(ctx, cmd, async (rt) => {
        const entry = await findServer(ctx, rt, id);
        const check = await checkServer(ctx, rt, entry, { approve: false });
        const seq = await setEnabled(rt, entry, true, ctx);
        if (!check.matches) ctx.setExitCode(1);
        if (opts.json) {
          ctx.io.stdout(
            `${JSON.stringify({ server: id, enabled: true, ...check, auditSeq: seq }, null, 2)}\n`,
          );
          return;
        }
        ctx.io.stdout(
          `Enabled ${id} (audit entry #${seq}). ` +
            (check.matches
              ? `It started and its ${check.tools.length} tools match the approved list.\n`
              : `Its tool list no longer matches the approved one, so none of its tools is offered; run 'astrid servers tools ${id}' to review it.\n`),
        );
      });
    });

  servers.command("stop")
    .description("Disable a server: it is no longer started or offered to sessions")
    .argument("<server>", "server id")
    .option("--json", "print JSON")
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      await withRuntime(ctx, cmd, async (rt) => {
        const entry = await findServer(ctx, rt, id);
        const seq = await setEnabled(rt, entry, false, ctx);
        const running = await new McpRunRegistry(rt.kv).list(id);
        if (opts.json) {
          ctx.io.stdout(
            `${JSON.stringify({ server: id, enabled: false, running, auditSeq: seq }, null, 2)}\n`,
          );
          return;
        }
        ctx.io.stdout(`Stopped ${id}: it will not be started or offered (audit entry #${seq}).\n`);
        for (const r of running) {
          ctx.io.stdout(
            `  still running as pid ${r.pid} inside host pid ${r.hostPid} until that host ends\n`,
          );
        }
      });
    });

  servers.command("tools")
    .description("Start a server, list its tools and check them against the approved list")
    .argument("<server>", "server id")
    .option("-y, --yes", "approve a changed tool list without asking (scripts)")
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      `
A tool list that differs from the approved one is shown with what changed,
recorded in the audit log, and asked about again; until it is approved none of
the server's tools is offered to the agent. Exit status: 0 when the list matches
(or was approved), 1 otherwise.`,
    )
    .action(async (id: string, opts: { yes?: boolean; json?: boolean }, cmd: Command) => {
      await withRuntime(ctx, cmd, async (rt) => {
        const entry = await findServer(ctx, rt, id);
        const check = await checkServer(ctx, rt, entry, {
          approve: true,
          yes: opts.yes === true,
          quiet: opts.json === true,
        });
        if (!check.matches && !check.approved) ctx.setExitCode(1);
        if (opts.json) {
          ctx.io.stdout(`${JSON.stringify({ server: id, ...check }, null, 2)}\n`);
          return;
        }
        ctx.io.stdout(
          `${id}: ${check.tools.length} tools, list ${check.hash} (${
            check.matches
              ? "matches the approved list"
              : check.approved
              ? "approved now"
              : `differs from the approved ${check.pinned ?? "nothing"}: not offered`
          })\n`,
        );
        for (const t of check.tools) ctx.io.stdout(`  mcp:${id}:${t.name}  ${t.description}\n`);
      });
    });
};

interface CheckResult {
  matches: boolean;
  approved: boolean;
  hash: string;
  pinned: string | null;
  change: string[];
  tools: { name: string; description: string }[];
  pid: number | null;
}

/** Start `id`, compare its tools with the pin, optionally ask to approve a change; stop it. */
async function checkServer(
  ctx: CliContext,
  rt: SecurityRuntime,
  entry: ServerEntry,
  o: { approve: boolean; yes?: boolean; quiet?: boolean },
): Promise<CheckResult> {
  const id = entry.id;
  const launch = await entry.launch();
  const pin = await entry.trustedPin();
  const opened = await openApprovedServer(launch, pin, {
    ...(entry.capsule ? { capsule: entry.capsule } : {}),
    searchPath: ctx.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
  });
  const pid = opened.session.pid;
  const registry = new McpRunRegistry(rt.kv);
  const unregister = pid === null ? async () => {} : await registry.register({
    server: id,
    ...(entry.capsule ? { capsule: entry.capsule } : {}),
    pid,
    hostPid: Deno.pid,
    startedAt: Date.now(),
  });
  try {
    const tools = opened.kind === "ready" ? opened.host.tools : opened.tools;
    const base = {
      hash: opened.verdict.hash,
      pinned: pin?.hash ?? null,
      tools: tools.map((t) => ({ name: t.name, description: firstLine(t.description) })),
      pid,
    };
    if (opened.kind === "ready") return { matches: true, approved: false, change: [], ...base };
    const change = opened.verdict.kind === "changed"
      ? describeToolChange(opened.verdict.change)
      : tools.map((t) => `+ ${t.name} (new tool)`);
    // A changed list is on the record whether or not anyone approves it.
    await rt.audit.append({
      sessionId: "-",
      principal: operatorName(ctx),
      kind: "event",
      decision: "ask",
      summary: `MCP server ${id} (${
        origin(entry)
      }) reports a tool list that differs from the approved one`,
      detail: {
        server: id,
        capsule: entry.capsule ?? null,
        pinned: pin?.hash ?? null,
        current: opened.verdict.hash,
        change,
      },
    });
    if (!o.approve) return { matches: false, approved: false, change, ...base };
    if (!o.quiet) {
      ctx.io.stderr(
        `\nThe tools of MCP server "${id}" differ from the approved list ${
          pin?.hash ?? "(none)"
        }:\n${change.map((c) => `  ${c}\n`).join("")}`,
      );
    }
    const yes = o.yes ||
      await terminalPrompt(ctx).confirm(`Approve the new list ${opened.verdict.hash}? [y/N] `);
    if (!yes) return { matches: false, approved: false, change, ...base };
    await approvePin(rt, entry, tools, ctx, o.yes ? "command_line" : "prompt");
    return { matches: false, approved: true, change, ...base };
  } finally {
    await opened.session.close();
    await unregister();
  }
}

async function approvePin(
  rt: SecurityRuntime,
  entry: ServerEntry,
  tools: readonly McpToolInfo[],
  ctx: CliContext,
  via: string,
): Promise<void> {
  const hash = toolListHash(tools);
  const record = await rt.audit.append({
    sessionId: "-",
    principal: operatorName(ctx),
    kind: "event",
    decision: "allow",
    stage: "approval",
    summary: `Approve the tool list ${hash} of MCP server ${entry.id} (${origin(entry)})`,
    proof: { via },
    detail: {
      server: entry.id,
      capsule: entry.capsule ?? null,
      hash,
      tools: tools.map((t) => t.name),
    },
  });
  await entry.approve(tools, record.seq);
}

async function setEnabled(
  rt: SecurityRuntime,
  entry: ServerEntry,
  enabled: boolean,
  ctx: CliContext,
): Promise<number> {
  const record = await rt.audit.append({
    sessionId: "-",
    principal: operatorName(ctx),
    kind: "event",
    decision: enabled ? "enable" : "disable",
    summary: `${enabled ? "Enable" : "Disable"} MCP server ${entry.id} (${origin(entry)})`,
    detail: { server: entry.id, capsule: entry.capsule ?? null },
  });
  await entry.setEnabled(enabled);
  return record.seq;
}

async function findServer(ctx: CliContext, rt: SecurityRuntime, id: string): Promise<ServerEntry> {
  if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(id)) {
    throw new UsageError(`"${id}" is not a server id (lowercase letters, digits, "-" or "_")`);
  }
  const { servers } = await listServers(rt, { env: ctx.env, workspace: rt.workspace });
  const entry = servers.find((s) => s.id === id);
  if (!entry) {
    throw new AstridError(
      "NOT_FOUND",
      `No MCP server "${id}" (see 'astrid servers list'; servers come from installed capsules and [[mcp.servers]] in config)`,
    );
  }
  return entry;
}

function origin(entry: ServerEntry): string {
  return entry.capsule ? `capsule ${entry.capsule}` : "[[mcp.servers]]";
}

function firstLine(s: string): string {
  const line = s.split("\n", 1)[0] ?? "";
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}
