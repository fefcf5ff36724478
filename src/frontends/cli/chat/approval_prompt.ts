/**
 * The approval prompt as a pure model: what the human is shown (summary,
 * risk, the diff or the exact command and working directory, why it asks),
 * the choices `[Allow Once] [Allow Session] [Allow Always] [Deny]` (only
 * Allow Once and Deny when the request cannot be remembered), and how keys
 * move and confirm the selection: arrows (and Tab) move, Enter confirms,
 * 1-4 choose at once, Escape denies.
 *
 * Invariant: only an explicit key of the human chooses. A paste is ignored
 * (pasted text must not answer a security question), and no selection is
 * made without Enter, a number or Escape.
 *
 * @module
 */

import {
  APPROVAL_DECISIONS,
  APPROVAL_LABELS,
  type ApprovalDecision,
  type ApprovalRequest,
  type RiskLevel,
} from "../../../security/mod.ts";
import { safeText, style } from "./ansi.ts";
import type { Key } from "./decode_keys.ts";

/** The prompt's state. */
export interface ApprovalPromptState {
  readonly request: ApprovalRequest;
  /** Who asks (`agent`, `agent/task-1`). */
  readonly agent: string;
  readonly choices: readonly ApprovalDecision[];
  readonly selected: number;
}

/** What a key did. */
export type PromptOutcome =
  | { readonly kind: "pending"; readonly state: ApprovalPromptState }
  | { readonly kind: "chosen"; readonly decision: ApprovalDecision }
  /** Ctrl-C: the REPL cancels the turn. */
  | { readonly kind: "interrupt" };

/** Open a prompt for `request`; the selection starts on Allow Once. */
export function openApprovalPrompt(request: ApprovalRequest, agent: string): ApprovalPromptState {
  const choices = request.rememberable
    ? APPROVAL_DECISIONS
    : APPROVAL_DECISIONS.filter((d) => d === "allow_once" || d === "deny");
  return { request, agent, choices, selected: 0 };
}

/** Apply one key. */
export function promptKey(s: ApprovalPromptState, key: Key): PromptOutcome {
  const pending = (selected: number): PromptOutcome => ({
    kind: "pending",
    state: { ...s, selected: (selected + s.choices.length) % s.choices.length },
  });
  switch (key.kind) {
    case "left":
    case "up":
      return pending(s.selected - 1);
    case "right":
    case "down":
    case "tab":
      return pending(s.selected + 1);
    case "home":
      return pending(0);
    case "end":
      return pending(s.choices.length - 1);
    case "enter":
      return { kind: "chosen", decision: s.choices[s.selected]! };
    case "escape":
      return { kind: "chosen", decision: "deny" };
    case "interrupt":
      return { kind: "interrupt" };
    case "text": {
      // Only a single digit typed alone chooses; anything longer is not a key press.
      const n = key.text.length === 1 ? Number(key.text) : NaN;
      const d = Number.isInteger(n) && n >= 1 ? s.choices[n - 1] : undefined;
      return d !== undefined ? { kind: "chosen", decision: d } : pending(s.selected);
    }
    default:
      return pending(s.selected);
  }
}

const RISK_STYLE: Readonly<Record<RiskLevel, (t: string) => string>> = {
  low: style.green,
  medium: style.yellow,
  high: (t) => style.bold(style.red(t)),
  critical: (t) => style.bold(style.inverse(style.red(t))),
};

/** The body shown once above the choices. Lines end with "\n". */
export function renderApprovalBody(s: ApprovalPromptState, columns = 80): string {
  const r = s.request;
  const rule = style.dim("─".repeat(Math.max(10, Math.min(columns, 80))));
  const lines = [
    rule,
    `${style.bold("Approval needed")}  risk: ${RISK_STYLE[r.risk](r.risk.toUpperCase())}` +
    style.dim(`  requested by ${s.agent}`),
    ...r.summary.map((line) => `  ${style.bold(oneLine(line))}`),
    style.dim(`  why: ${oneLine(r.reason)}`),
  ];
  if (r.preview !== undefined && r.preview !== "") {
    lines.push("", ...renderPreview(r.preview));
  }
  if (!r.rememberable) {
    lines.push(style.dim("  (this request cannot be remembered: only Allow Once or Deny)"));
  }
  return lines.join("\n") + "\n";
}

/** The choices line; the selected one in reverse video. No newline. */
export function renderChoices(s: ApprovalPromptState): string {
  const items = s.choices.map((d, i) => {
    const label = `[${APPROVAL_LABELS[d]}]`;
    return i === s.selected ? style.inverse(style.bold(label)) : label;
  });
  return `${items.join(" ")}  ${style.dim(`←/→ Enter · 1-${s.choices.length} · Esc denies`)}`;
}

/** The line that replaces the choices once answered. */
export function renderChosen(decision: ApprovalDecision): string {
  const label = APPROVAL_LABELS[decision];
  return `${style.dim("→")} ${decision === "deny" ? style.red(label) : style.green(label)}`;
}

/**
 * A diff (`+`/`-`/`@@` lines coloured) or a command preview, indented. Control
 * characters are made visible so a file's content cannot move the cursor or
 * restyle the prompt.
 */
export function renderPreview(preview: string): string[] {
  return preview.replace(/\n$/, "").split("\n").map((raw) => {
    const line = safeText(raw);
    if (line.startsWith("+++") || line.startsWith("---")) return `  ${style.bold(line)}`;
    if (line.startsWith("+")) return `  ${style.green(line)}`;
    if (line.startsWith("-")) return `  ${style.red(line)}`;
    if (line.startsWith("@@")) return `  ${style.cyan(line)}`;
    if (line.startsWith("$ ")) return `  ${style.bold(line)}`;
    return `  ${line}`;
  });
}

function oneLine(text: string): string {
  return safeText(text.replace(/\s*\n\s*/g, " "));
}
