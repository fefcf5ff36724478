/**
 * `astrid approvals list|allow|deny|resume`: the queue of requests nobody
 * answered in time. An allowed request authorizes exactly one later call
 * with the same actions in the same session; stale requests expire into
 * recorded denials. `resume` un-pauses a session stopped after too many denials.
 *
 * @module
 */

import type { Command } from "commander";
import { AstridError } from "../../../core/mod.ts";
import type { QueuedApproval } from "../../../security/mod.ts";
import type { CliContext, RegisterCommand } from "../context.ts";
import { operatorName, withRuntime } from "../with_runtime.ts";

/** Register `astrid approvals`. */
export const registerApprovalsCommand: RegisterCommand = (program, ctx) => {
  const approvals = program.command("approvals")
    .description("Resolve queued approval requests")
    .addHelpText(
      "after",
      `
Examples:
  $ astrid approvals list
  $ astrid approvals allow 9c1e2f0a4b7d3e11
  $ astrid approvals deny 9c1e2f0a4b7d3e11
  $ astrid approvals resume --session s-42`,
    );

  approvals.command("list")
    .description("List queued requests (stale ones expire into recorded denials first)")
    .option("--all", "include answered, used and expired requests")
    .option("--json", "print JSON")
    .action(async (opts: { all?: boolean; json?: boolean }, cmd: Command) => {
      await withRuntime(ctx, cmd, async (rt) => {
        const expired = await rt.store.expireStale();
        const list = await rt.store.listQueued({ all: opts.all === true });
        if (opts.json) {
          ctx.io.stdout(`${JSON.stringify({ expired, requests: list.map(view) }, null, 2)}\n`);
          return;
        }
        if (expired > 0) {
          ctx.io.stdout(`${expired} stale request(s) expired and were recorded as denials.\n`);
        }
        if (list.length === 0) {
          ctx.io.stdout("No queued requests.\n");
          return;
        }
        for (const q of list) printQueued(ctx, q);
      });
    });

  for (const [name, decision] of [["allow", "approved"], ["deny", "denied"]] as const) {
    approvals.command(name)
      .description(
        name === "allow"
          ? "Approve a queued request: the same call may then run once"
          : "Deny a queued request",
      )
      .argument("<id>", "request id (from 'astrid approvals list')")
      .option("--json", "print JSON")
      .action(async (id: string, opts: { json?: boolean }, cmd: Command) => {
        await withRuntime(ctx, cmd, async (rt) => {
          await rt.store.expireStale();
          const r = await rt.store.answerQueued(id, decision, operatorName(ctx));
          if (!r.ok) throw new AstridError("NOT_FOUND", r.reason);
          if (opts.json) {
            ctx.io.stdout(
              `${JSON.stringify({ id, status: r.queued.status, auditSeq: r.entry.seq })}\n`,
            );
          } else {
            ctx.io.stdout(`Request ${id} ${decision}; audit entry #${r.entry.seq}.\n`);
          }
        });
      });
  }

  approvals.command("resume")
    .description("Resume a session paused after too many denials")
    .requiredOption("--session <id>", "the paused session")
    .option("--principal <name>", "the session's principal", "local")
    .option("--json", "print JSON")
    .action(async (opts: { session: string; principal: string; json?: boolean }, cmd: Command) => {
      await withRuntime(ctx, cmd, async (rt) => {
        const entry = await rt.store.resume(opts.session, opts.principal, operatorName(ctx));
        if (opts.json) {
          ctx.io.stdout(`${JSON.stringify({ resumed: opts.session, auditSeq: entry.seq })}\n`);
        } else ctx.io.stdout(`Session ${opts.session} resumed; audit entry #${entry.seq}.\n`);
      });
    });
};

function view(q: QueuedApproval) {
  return {
    id: q.request.id,
    status: q.status,
    session: q.request.sessionId,
    principal: q.request.principal,
    requestedBy: q.request.requestedBy,
    risk: q.request.risk,
    summary: q.request.summary,
    reason: q.request.reason,
    createdAt: new Date(q.request.createdAt).toISOString(),
    expiresAt: new Date(q.expiresAt).toISOString(),
    ...(q.resolvedBy ? { resolvedBy: q.resolvedBy } : {}),
  };
}

function printQueued(ctx: CliContext, q: QueuedApproval): void {
  const v = view(q);
  ctx.io.stdout(
    `${v.id}  ${v.status}  ${v.risk} risk  session ${v.session}  by ${v.requestedBy}\n` +
      v.summary.map((s) => `    ${s}\n`).join("") +
      `    why: ${v.reason}; expires ${v.expiresAt}\n`,
  );
}
