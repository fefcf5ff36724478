/**
 * `astrid sessions list|show|delete|cleanup`: the agent sessions kept in
 * `$ASTRID_HOME/state.kv`. This is the operator's view of the state file, so
 * it covers every principal's sessions (frontends that serve several users
 * go through the runtime, which keeps each principal to its own sessions).
 * Deleting a session removes its conversation, allowances and sub-agent
 * sessions, records the deletion in the audit log, and never deletes audit
 * entries.
 *
 * @module
 */

import type { Command } from "commander";
import { AstridError, UsageError } from "../../../core/mod.ts";
import { deleteSessionRecorded, loadRecords, type RecordBody } from "../../../runtime/mod.ts";
import { KvSessionStore, type SessionMeta, type StoredRecord } from "../../../storage/mod.ts";
import type { RegisterCommand } from "../context.ts";
import { operatorName, withRuntime } from "../with_runtime.ts";

const DAY_MS = 86_400_000;

/** Register `astrid sessions`. */
export const registerSessionsCommand: RegisterCommand = (program, ctx) => {
  const sessions = program.command("sessions")
    .description("Manage sessions")
    .addHelpText(
      "after",
      `
Sessions hold an agent's conversation, mode, allowances and spending. This
command sees every principal's sessions in $ASTRID_HOME; deleting one never
deletes its audit entries.

Examples:
  $ astrid sessions list
  $ astrid sessions list --all --principal telegram:42 --json
  $ astrid sessions show 3f2a9c
  $ astrid sessions delete 3f2a9c
  $ astrid sessions cleanup --older-than 30 --dry-run`,
    );

  sessions.command("list")
    .description("List sessions, most recently used first")
    .option("--principal <name>", "only this principal's sessions")
    .option("--all", "include sub-agent sessions")
    .option("--json", "print JSON")
    .action(async (opts: { principal?: string; all?: boolean; json?: boolean }, cmd: Command) => {
      await withRuntime(ctx, cmd, async (rt) => {
        const store = new KvSessionStore(rt.kv, rt.audit.batcher);
        const list = await store.list({
          ...(opts.principal !== undefined ? { principal: opts.principal } : {}),
          subagents: opts.all === true,
        });
        if (opts.json) {
          ctx.io.stdout(`${JSON.stringify(list.map(view), null, 2)}\n`);
          return;
        }
        if (list.length === 0) {
          ctx.io.stdout("No sessions.\n");
          return;
        }
        for (const m of list) ctx.io.stdout(`${line(m)}\n`);
      });
    });

  sessions.command("show")
    .description("Show a session and its conversation")
    .argument("<id>", "session id, or a unique prefix of one")
    .option("--json", "print JSON")
    .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
      await withRuntime(ctx, cmd, async (rt) => {
        const store = new KvSessionStore(rt.kv, rt.audit.batcher);
        const meta = await find(store, id);
        const records = await loadRecords(store, meta.id);
        const children = (await store.list({ subagents: true }))
          .filter((m) => m.parentSessionId === meta.id);
        const queued = (await rt.store.listQueued())
          .filter((q) => q.request.sessionId === meta.id);
        if (opts.json) {
          ctx.io.stdout(
            `${
              JSON.stringify(
                {
                  session: view(meta),
                  subagents: children.map((c) => c.id),
                  pendingApprovals: queued.map((q) => q.request.id),
                  records,
                },
                null,
                2,
              )
            }\n`,
          );
          return;
        }
        ctx.io.stdout(detail(meta, children, queued.map((q) => q.request.id)));
        for (const r of records) ctx.io.stdout(`${recordLine(r)}\n`);
      });
    });

  sessions.command("delete")
    .description("Delete a session and its sub-agents' sessions (audit entries stay)")
    .argument("<id>", "session id, or a unique prefix of one")
    .option("--force", "delete even if a turn looks unfinished (its process may still run)")
    .option("--json", "print JSON")
    .action(async (id: string, opts: { force?: boolean; json?: boolean }, cmd: Command) => {
      await withRuntime(ctx, cmd, async (rt) => {
        const store = new KvSessionStore(rt.kv, rt.audit.batcher);
        const meta = await find(store, id);
        if (meta.activeTurn && !opts.force) {
          throw new UsageError(
            `session ${meta.id} has an unfinished turn (started ${
              iso(meta.activeTurn.startedAt)
            }); if no process is running it, delete it with --force`,
          );
        }
        const deleted = await deleteSessionRecorded(rt, store, meta, operatorName(ctx));
        if (opts.json) ctx.io.stdout(`${JSON.stringify({ deleted })}\n`);
        else {
          ctx.io.stdout(
            `Deleted session ${meta.id}${
              deleted.length > 1 ? ` and ${deleted.length - 1} sub-agent session(s)` : ""
            }; its audit entries are kept.\n`,
          );
        }
      });
    });

  sessions.command("cleanup")
    .description("Delete sessions not used for a number of days")
    .option("--older-than <days>", "unused for more than this many days", "30")
    .option("--dry-run", "list what would be deleted, delete nothing")
    .option("--json", "print JSON")
    .action(
      async (
        opts: { olderThan: string; dryRun?: boolean; json?: boolean },
        cmd: Command,
      ) => {
        const days = Number(opts.olderThan);
        if (!/^\d+(\.\d+)?$/.test(opts.olderThan) || !Number.isFinite(days)) {
          throw new UsageError(
            `--older-than "${opts.olderThan}" is not a number of days (expected e.g. 30)`,
          );
        }
        await withRuntime(ctx, cmd, async (rt) => {
          const store = new KvSessionStore(rt.kv, rt.audit.batcher);
          const cutoff = Date.now() - days * DAY_MS;
          const stale = (await store.list({ subagents: false }))
            .filter((m) => m.updatedAt < cutoff);
          const deleted: string[] = [];
          if (!opts.dryRun) {
            for (const m of stale) {
              deleted.push(...await deleteSessionRecorded(rt, store, m, operatorName(ctx)));
            }
          }
          if (opts.json) {
            ctx.io.stdout(
              `${
                JSON.stringify({
                  olderThanDays: days,
                  dryRun: opts.dryRun === true,
                  sessions: stale.map((m) => m.id),
                  deleted,
                })
              }\n`,
            );
            return;
          }
          if (stale.length === 0) {
            ctx.io.stdout(`No sessions unused for more than ${days} day(s).\n`);
            return;
          }
          for (const m of stale) ctx.io.stdout(`${line(m)}\n`);
          ctx.io.stdout(
            opts.dryRun
              ? `${stale.length} session(s) would be deleted (dry run).\n`
              : `Deleted ${deleted.length} session(s) (sub-agents included); audit entries are kept.\n`,
          );
        });
      },
    );
};

/** The session `ref` names: an exact id or a unique prefix. */
async function find(store: KvSessionStore, ref: string): Promise<SessionMeta> {
  if (!/^[0-9A-Za-z_-]{1,128}$/.test(ref)) {
    throw new UsageError(`"${ref}" is not a session id`);
  }
  const exact = await store.get(ref);
  if (exact) return exact;
  const matches = (await store.list({ subagents: true })).filter((m) => m.id.startsWith(ref));
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1) {
    throw new UsageError(
      `"${ref}" matches ${matches.length} sessions (${
        matches.slice(0, 5).map((m) => m.id).join(", ")
      }): give more of the id`,
    );
  }
  throw new AstridError("NOT_FOUND", `No session "${ref}"`);
}

function view(m: SessionMeta) {
  return {
    id: m.id,
    principal: m.principal,
    label: m.label,
    ...(m.title !== undefined ? { title: m.title } : {}),
    ...(m.parentSessionId !== undefined ? { parentSessionId: m.parentSessionId } : {}),
    workspace: m.workspace,
    scope: m.scope,
    createdAt: iso(m.createdAt),
    updatedAt: iso(m.updatedAt),
    records: m.messageCount,
    turns: m.turnCount,
    spentUsd: m.spentMicros / 1e6,
    usage: m.usage,
    ...(m.activeTurn ? { activeTurn: m.activeTurn } : {}),
    ...(m.lastTurn ? { lastTurn: m.lastTurn } : {}),
  };
}

function line(m: SessionMeta): string {
  const state = m.activeTurn ? "unfinished" : m.lastTurn?.status ?? "new";
  return `${m.id}  ${iso(m.updatedAt)}  ${m.principal}  ${m.label}  ${m.turnCount} turn(s)  ` +
    `$${(m.spentMicros / 1e6).toFixed(4)}  ${state}${m.title ? `  ${m.title}` : ""}`;
}

function detail(
  m: SessionMeta,
  children: readonly SessionMeta[],
  queued: readonly string[],
): string {
  const s = m.scope;
  const rows: [string, string][] = [
    ["Session", m.id],
    ["Principal", m.principal],
    ["Agent", m.label + (m.parentSessionId ? ` (sub-agent of ${m.parentSessionId})` : "")],
    ["Workspace", m.workspace],
    ["Folder", s.root],
    ["Mode", `${s.mode}, escape policy ${s.escapePolicy}`],
    ["Tools", s.tools.join(", ") || "none"],
    ["Created", iso(m.createdAt)],
    ["Updated", iso(m.updatedAt)],
    ["Turns", String(m.turnCount)],
    ["Spent", `$${(m.spentMicros / 1e6).toFixed(6)} of $${(s.budgetMicros / 1e6).toFixed(2)}`],
    [
      "Tokens",
      `${m.usage.inputTokens} in, ${m.usage.outputTokens} out, ${m.usage.calls} call(s)` +
      (m.usage.unpricedCalls ? ` (${m.usage.unpricedCalls} unpriced)` : ""),
    ],
    [
      "Last turn",
      m.activeTurn
        ? `unfinished (started ${iso(m.activeTurn.startedAt)})`
        : m.lastTurn
        ? `${m.lastTurn.status}${m.lastTurn.error ? `: ${m.lastTurn.error}` : ""}`
        : "none",
    ],
  ];
  if (children.length > 0) rows.push(["Sub-agents", children.map((c) => c.id).join(", ")]);
  if (queued.length > 0) rows.push(["Pending approvals", queued.join(", ")]);
  return rows.map(([k, v]) => `${`${k}:`.padEnd(19)}${v}\n`).join("") + "\n";
}

function recordLine(r: StoredRecord<RecordBody>): string {
  const at = `#${r.index} t${r.turn}`;
  const b = r.body;
  switch (b.kind) {
    case "user":
      return `${at} user: ${clip(b.text)}`;
    case "assistant":
      return `${at} assistant: ${clip(b.text)}` +
        b.toolCalls.map((c) =>
          `\n${" ".repeat(at.length)} -> ${c.name} ${clip(JSON.stringify(c.arguments))}`
        )
          .join("");
    case "tool_result":
      return `${at} result ${b.toolName} (${b.status}, ${b.source}): ${clip(b.content)}`;
    case "summary":
      return `${at} summary of records up to #${b.throughIndex}: ${clip(b.text)}`;
    default: {
      const never: never = b;
      return `${at} ${JSON.stringify(never)}`;
    }
  }
}

function clip(text: string, max = 160): string {
  const one = text.replace(/\s+/g, " ").trim();
  return one.length <= max ? one : `${one.slice(0, max)}...`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
