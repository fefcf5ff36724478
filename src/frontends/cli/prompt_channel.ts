/**
 * Approval channels for the command line: ask the human at the terminal, or
 * answer with a decision given on the command line (`--approve`) for scripts.
 * Without a terminal and without `--approve`, requests are queued (`NO_HUMAN`).
 *
 * @module
 */

import {
  APPROVAL_DECISIONS,
  APPROVAL_LABELS,
  type ApprovalAnswer,
  type ApprovalChannel,
  type ApprovalDecision,
  type ApprovalRequest,
} from "../../security/mod.ts";
import type { CliIo } from "./context.ts";

/** The text shown for a request. */
export function describeRequest(r: ApprovalRequest): string {
  const lines = [
    "",
    `Approval needed (${r.risk} risk, requested by ${r.requestedBy}, session ${r.sessionId}):`,
    ...r.summary.map((s) => `  ${s}`),
    `  why: ${r.reason}`,
  ];
  if (r.preview) lines.push("", ...r.preview.split("\n").map((l) => `  ${l}`));
  return `${lines.join("\n")}\n`;
}

/** Ask at the terminal. Unknown answers are asked again; end of input is "no answer". */
export function terminalChannel(io: CliIo, who: string): ApprovalChannel {
  return {
    async request(r, signal) {
      io.stderr(describeRequest(r));
      const offered = r.rememberable
        ? APPROVAL_DECISIONS
        : APPROVAL_DECISIONS.filter((d) => d === "allow_once" || d === "deny");
      const menu = offered.map((d, i) => `[${i + 1}] ${APPROVAL_LABELS[d]}`).join("  ");
      for (;;) {
        if (signal.aborted) return { kind: "unavailable", reason: "the request was cancelled" };
        const a = await io.prompt(`${menu}\n> `);
        if (a === null) return { kind: "unavailable", reason: "no answer (end of input)" };
        const n = Number(a.trim());
        const d = offered[n - 1];
        if (Number.isInteger(n) && d) {
          return { kind: "answered", decision: d, actionHash: r.actionHash, answeredBy: who };
        }
        io.stderr(`Please answer 1 to ${offered.length}.\n`);
      }
    },
  };
}

/** Answer every request with `decision` (the operator decided in advance). */
export function fixedChannel(decision: ApprovalDecision, who: string): ApprovalChannel {
  return {
    request(r): Promise<ApprovalAnswer> {
      return Promise.resolve({
        kind: "answered",
        decision,
        actionHash: r.actionHash,
        answeredBy: who,
      });
    },
  };
}
