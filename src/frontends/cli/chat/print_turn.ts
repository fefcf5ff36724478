/**
 * `astrid chat --print "..."` and piped input: one turn without a human.
 * The answer (the turn's final answer, printed once the turn ended) goes to
 * stdout, rendered when stdout is a terminal and as the model wrote it
 * otherwise; tool activity and problems go to stderr as they happen.
 *
 * Invariant: nothing is approved here. The turn is sent with
 * `approvals: "defer"`, so every request that needs a human is queued for
 * `astrid approvals`, and the requests are listed at the end.
 *
 * @module
 */

import type { ApprovalRequest } from "../../../security/mod.ts";
import { safeText, stripAnsi } from "./ansi.ts";
import type { ChatBackend, ChatEvent } from "./chat_backend.ts";
import { Inbox } from "./inbox.ts";
import { renderMarkdown } from "./render_markdown.ts";
import { describeToolResult, describeToolStart, describeTurnEnd } from "./turn_lines.ts";

/** Exit code when the turn completed but approval requests were deferred. */
export const EXIT_DEFERRED = 3;

/** What one printed turn needs. */
export interface PrintTurnOptions {
  readonly backend: ChatBackend;
  readonly sessionId: string;
  readonly text: string;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Colours and rendered Markdown (stdout is a terminal and NO_COLOR is not set). */
  readonly color: boolean;
  readonly columns?: number;
  /** Aborting cancels the turn (Ctrl-C). */
  readonly signal?: AbortSignal;
}

/**
 * Run one turn and print it. Exit code: 0 completed, {@link EXIT_DEFERRED}
 * completed with requests deferred, 1 when it did not complete.
 */
export async function printTurn(o: PrintTurnOptions): Promise<number> {
  const columns = o.columns ?? 80;
  const paint = (s: string) => (o.color ? s : stripAnsi(s));
  const inbox = new Inbox<ChatEvent>();
  const unsubscribe = o.backend.subscribe((e) => inbox.push(e));
  const onAbort = () => void o.backend.cancel(o.sessionId, "interrupted").catch(() => {});
  o.signal?.addEventListener("abort", onAbort, { once: true });
  const asked: ApprovalRequest[] = [];
  let usage: Extract<ChatEvent, { kind: "usage" }> | undefined;
  try {
    await o.backend.send(o.sessionId, o.text, { approvals: "defer" });
    for (;;) {
      const e = await inbox.next();
      switch (e.kind) {
        case "tool_started":
          o.stderr(paint(describeToolStart(e, columns)));
          break;
        case "tool_result":
          o.stderr(paint(describeToolResult(e, columns)));
          break;
        case "approval_needed":
          if (!asked.some((r) => r.id === e.request.id)) asked.push(e.request);
          break;
        case "usage":
          usage = e;
          break;
        case "warning":
          o.stderr(`astrid: warning: ${safeText(e.message)}\n`);
          break;
        case "error":
          o.stderr(`astrid: error [${e.code}]: ${safeText(e.message)}\n`);
          break;
        case "disconnected":
          o.stderr(`astrid: disconnected: ${safeText(e.reason)}\n`);
          return 1;
        case "turn_complete": {
          if (e.sessionId !== o.sessionId) break;
          o.stdout(answerText(e.text, o.color, columns));
          o.stderr(paint(describeTurnEnd(e, usage)));
          if (asked.length > 0) o.stderr(await deferredList(o, asked));
          if (e.status !== "completed") return 1;
          return asked.length > 0 ? EXIT_DEFERRED : 0;
        }
        default:
          break;
      }
    }
  } finally {
    o.signal?.removeEventListener("abort", onAbort);
    unsubscribe();
  }
}

/** The final answer for stdout, ending in a newline (nothing when it is empty). */
function answerText(text: string, color: boolean, columns: number): string {
  if (text === "") return "";
  if (color) return renderMarkdown(text, columns);
  const safe = safeText(text);
  return safe.endsWith("\n") ? safe : safe + "\n";
}

/** The requests nobody answered, as queued for `astrid approvals`. */
async function deferredList(
  o: PrintTurnOptions,
  asked: readonly ApprovalRequest[],
): Promise<string> {
  const queued = await o.backend.pendingApprovals(o.sessionId).then((p) => p.queued).catch(
    () => [],
  );
  const lines = [
    `Deferred ${asked.length} approval request(s): nobody was there to answer, so nothing was approved.`,
  ];
  for (const r of asked) {
    const q = queued.find((x) => x.request.id === r.id);
    const state = q === undefined ? "not queued" : q.status;
    lines.push(`  ${r.id}  ${r.risk}  ${safeText(r.summary.join("; "))}  (${state})`);
  }
  lines.push("Answer them with 'astrid approvals list' and 'astrid approvals allow|deny ID'.");
  return lines.join("\n") + "\n";
}
