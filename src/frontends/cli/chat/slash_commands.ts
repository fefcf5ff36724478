/**
 * The REPL's slash commands: parsing (pure), running them against the
 * backend, and formatting what they show. `/exit` and `/cancel` are
 * reported back to the REPL, which owns the session and the terminal.
 *
 * @module
 */

import { APPROVAL_LABELS, type AuditEntry } from "../../../security/mod.ts";
import { safeText, style } from "./ansi.ts";
import type { BudgetView, ChatBackend, ChatSession, PendingApprovals } from "./chat_backend.ts";
import type { Clipboard } from "./clipboard.ts";
import type { CodeBlock } from "./render_markdown.ts";

/** A parsed slash command. */
export type SlashCommand =
  | { readonly name: "help" }
  | { readonly name: "sessions" }
  | { readonly name: "budget" }
  | { readonly name: "approvals" }
  | { readonly name: "audit"; readonly limit: number }
  | { readonly name: "copy"; readonly block?: number }
  | { readonly name: "cancel" }
  | { readonly name: "exit" };

/** Every command with its usage, in the order `/help` lists them. */
export const SLASH_HELP: readonly (readonly [usage: string, what: string])[] = [
  ["/help", "this list"],
  ["/sessions", "your sessions, newest first (resume one with 'astrid chat --session ID')"],
  ["/budget", "what this session has spent, and its limits"],
  ["/approvals", "approval requests waiting (live and queued)"],
  ["/audit [n]", "the last n audit entries of this session (default 10)"],
  ["/copy [n]", "copy code block n of the last answer, or the whole answer, to the clipboard"],
  ["/cancel", "cancel the turn running in this session"],
  ["/exit", "leave (also Ctrl-D, or Ctrl-C twice)"],
];

/** Audit entries `/audit` shows without a number. */
export const DEFAULT_AUDIT_LIMIT = 10;

const MAX_AUDIT_LIMIT = 500;

/** Parse `text` (which starts with "/"). */
export function parseSlash(
  text: string,
): { ok: true; command: SlashCommand } | { ok: false; message: string } {
  const [word = "", ...args] = text.trim().slice(1).split(/\s+/);
  const name = word.toLowerCase();
  const noArgs = (command: SlashCommand) =>
    args.length === 0
      ? { ok: true as const, command }
      : { ok: false as const, message: `/${name} takes no arguments, got "${args.join(" ")}"` };
  switch (name) {
    case "help":
    case "?":
      return noArgs({ name: "help" });
    case "sessions":
      return noArgs({ name: "sessions" });
    case "budget":
      return noArgs({ name: "budget" });
    case "approvals":
      return noArgs({ name: "approvals" });
    case "cancel":
      return noArgs({ name: "cancel" });
    case "exit":
    case "quit":
      return noArgs({ name: "exit" });
    case "audit": {
      if (args.length === 0) {
        return { ok: true, command: { name: "audit", limit: DEFAULT_AUDIT_LIMIT } };
      }
      const n = wholeNumber(args);
      if (n === undefined || n < 1 || n > MAX_AUDIT_LIMIT) {
        return {
          ok: false,
          message: `/audit takes a number from 1 to ${MAX_AUDIT_LIMIT}, got "${args.join(" ")}"`,
        };
      }
      return { ok: true, command: { name: "audit", limit: n } };
    }
    case "copy": {
      if (args.length === 0) return { ok: true, command: { name: "copy" } };
      const n = wholeNumber(args);
      if (n === undefined || n < 1) {
        return {
          ok: false,
          message: `/copy takes a code block number (1, 2, ...), got "${args.join(" ")}"`,
        };
      }
      return { ok: true, command: { name: "copy", block: n } };
    }
    default: {
      const near = SLASH_HELP.map(([u]) => u.split(" ")[0]!).find((u) =>
        name !== "" && u.slice(1).startsWith(name.slice(0, 2))
      );
      return {
        ok: false,
        message: `Unknown command "/${word}"${
          near ? ` (did you mean ${near}?)` : ""
        }; /help lists them`,
      };
    }
  }
}

function wholeNumber(args: readonly string[]): number | undefined {
  if (args.length !== 1 || !/^\d{1,6}$/.test(args[0]!)) return undefined;
  return Number(args[0]);
}

/** The last answer, for `/copy`. */
export interface LastAnswer {
  readonly text: string;
  readonly blocks: readonly CodeBlock[];
}

/** What a slash command needs. */
export interface SlashContext {
  readonly backend: ChatBackend;
  readonly sessionId: string;
  readonly lastAnswer: LastAnswer | undefined;
  readonly clipboard: Clipboard;
}

/** What the REPL does after a command: print `output`, and maybe leave. */
export interface SlashResult {
  readonly output: string;
  readonly exit?: boolean;
}

/** Run `cmd`. Backend failures become output, not exceptions. */
export async function runSlash(cmd: SlashCommand, ctx: SlashContext): Promise<SlashResult> {
  try {
    return await run(cmd, ctx);
  } catch (e) {
    return {
      output: style.red(`/${cmd.name} failed: ${e instanceof Error ? e.message : String(e)}`) +
        "\n",
    };
  }
}

async function run(cmd: SlashCommand, ctx: SlashContext): Promise<SlashResult> {
  switch (cmd.name) {
    case "help":
      return { output: formatHelp() };
    case "exit":
      return { output: "", exit: true };
    case "sessions":
      return { output: formatSessions(await ctx.backend.sessions(), ctx.sessionId) };
    case "budget":
      return { output: formatBudget(await ctx.backend.budget(ctx.sessionId)) };
    case "approvals":
      return { output: formatApprovals(await ctx.backend.pendingApprovals(), ctx.sessionId) };
    case "audit":
      return {
        output: formatAudit(
          await ctx.backend.recentAudit({ sessionId: ctx.sessionId, limit: cmd.limit }),
        ),
      };
    case "cancel":
      return {
        output: (await ctx.backend.cancel(ctx.sessionId, "cancelled with /cancel"))
          ? "Cancelling the running turn.\n"
          : "No turn is running in this session.\n",
      };
    case "copy":
      return { output: await copy(cmd.block, ctx) };
  }
}

async function copy(block: number | undefined, ctx: SlashContext): Promise<string> {
  const last = ctx.lastAnswer;
  if (last === undefined) return "Nothing to copy yet: no answer in this session.\n";
  if (block === undefined) {
    const how = await ctx.clipboard.copy(last.text);
    return `Copied the last answer (${last.text.length} characters) with ${how}.\n`;
  }
  const b = last.blocks.find((x) => x.index === block);
  if (b === undefined) {
    return last.blocks.length === 0
      ? `The last answer has no code blocks; /copy copies the whole answer.\n`
      : `No code block ${block}: the last answer has ${last.blocks.length} (1-${last.blocks.length}).\n`;
  }
  const how = await ctx.clipboard.copy(b.code);
  return `Copied code block ${block}${b.language ? ` (${b.language})` : ""} with ${how}.\n`;
}

/** `/help`. */
export function formatHelp(): string {
  const width = Math.max(...SLASH_HELP.map(([u]) => u.length));
  return [
    ...SLASH_HELP.map(([u, what]) => `  ${style.cyan(u.padEnd(width))}  ${what}`),
    "",
    "  Enter sends. End a line with \\ (or press Alt-Enter / Ctrl-J) to continue on the next",
    "  line; pasted text keeps its newlines. Up/Down browse the history. Ctrl-C cancels the",
    "  running turn; pressed twice it exits.",
    "",
  ].join("\n");
}

/** `/sessions`. */
export function formatSessions(sessions: readonly ChatSession[], current: string): string {
  if (sessions.length === 0) return "No sessions yet.\n";
  const lines = sessions.map((s) => {
    const mark = s.id === current ? style.green("*") : " ";
    const title = s.title !== undefined ? `  ${safeText(s.title)}` : "";
    const running = s.runningTurnId !== undefined ? style.yellow("  (turn running)") : "";
    return `${mark} ${s.id}  ${when(s.updatedAt)}  ${s.turnCount} turn(s)  ` +
      `$${s.spentUsd.toFixed(4)}${title}${running}`;
  });
  return lines.join("\n") + "\n";
}

/** `/budget`. */
export function formatBudget(b: BudgetView): string {
  const usd = (n: number) => `$${n.toFixed(4)}`;
  const ws = b.workspace;
  return [
    `  model usage:   ${usd(b.llmSpentUsd)} of ${usd(b.sessionLimitUsd)} per session`,
    `  actions:       ${usd(b.actions.spentUsd)} spent, ${usd(b.actions.reservedUsd)} reserved ` +
    `(at most ${usd(b.actionLimitUsd)} per action)`,
    `  workspace:     ${usd(ws.spentUsd)} spent, ${usd(ws.reservedUsd)} reserved` +
    (ws.limitUsd === null ? " (no workspace limit)" : ` of ${usd(ws.limitUsd)}`),
    "",
  ].join("\n");
}

/** `/approvals`. */
export function formatApprovals(p: PendingApprovals, current: string): string {
  if (p.live.length === 0 && p.queued.length === 0) return "No approval requests are waiting.\n";
  const lines: string[] = [];
  const where = (sid: string) => (sid === current ? "" : style.dim(` (session ${sid})`));
  if (p.live.length > 0) {
    lines.push(style.bold("Waiting now:"));
    for (const a of p.live) {
      lines.push(
        `  ${a.request.id}  ${a.request.risk}  ${summary(a.request.summary)}${where(a.sessionId)}`,
      );
    }
  }
  if (p.queued.length > 0) {
    lines.push(style.bold("Queued (answer with 'astrid approvals allow|deny ID'):"));
    for (const q of p.queued) {
      lines.push(
        `  ${q.request.id}  ${q.status}  ${q.request.risk}  ${summary(q.request.summary)}` +
          where(q.request.sessionId),
      );
    }
  }
  return lines.join("\n") + "\n";
}

/** `/audit`. */
export function formatAudit(entries: readonly AuditEntry[]): string {
  if (entries.length === 0) return "No audit entries for this session yet.\n";
  return entries.map((e) => {
    const decision = e.decision === undefined
      ? ""
      : e.decision === "deny"
      ? style.red(e.decision)
      : e.decision === "allow"
      ? style.green(e.decision)
      : style.yellow(e.decision);
    const how = e.proof?.approval
      ? style.dim(
        ` (${
          APPROVAL_LABELS[e.proof.approval.decision as keyof typeof APPROVAL_LABELS] ??
            e.proof.approval.decision
        } by ${safeText(e.proof.approval.answeredBy)})`,
      )
      : e.proof?.via
      ? style.dim(` (via ${safeText(e.proof.via)})`)
      : "";
    const outcome = e.outcome ? (e.outcome.ok ? style.green(" ok") : style.red(" failed")) : "";
    return `  #${e.seq}  ${when(e.time)}  ${e.kind.padEnd(8)} ${decision}${outcome}  ` +
      `${safeText(e.summary ?? "")}${how}`;
  }).join("\n") + "\n";
}

function summary(lines: readonly string[]): string {
  return safeText(lines.join("; "));
}

function when(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}
