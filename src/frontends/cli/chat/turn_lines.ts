/**
 * One-line descriptions of what happens in a turn besides the answer: a
 * tool starting, its result, how the turn ended and what it cost. Shared by
 * the REPL and `--print`. Pure; every string from the model or a tool is
 * passed through `safeText` and cut to the terminal's width.
 *
 * @module
 */

import type { AgentEvent } from "../../../runtime/agent/mod.ts";
import { codePointWidth, displayWidth, safeText, style } from "./ansi.ts";

type Ev<K extends AgentEvent["kind"]> = Extract<AgentEvent, { kind: K }>;

/** `⏺ write_file {"path":"a.txt","content":"hi"}`, cut to `columns`. */
export function describeToolStart(e: Ev<"tool_started">, columns: number): string {
  const who = e.agent === "agent" ? "" : style.dim(`[${e.agent}] `);
  const args = clip(safeText(compactJson(e.arguments)), Math.max(10, columns - e.tool.length - 6));
  return `${style.cyan("⏺")} ${who}${style.bold(e.tool)} ${style.dim(args)}\n`;
}

/** `  ⎿ ok: Wrote 2 bytes to a.txt`, coloured by status, first line only. */
export function describeToolResult(e: Ev<"tool_result">, columns: number): string {
  const first = safeText(e.output.split("\n").find((l) => l.trim() !== "") ?? "");
  const paint = e.status === "ok"
    ? style.green
    : e.status === "denied" || e.status === "error"
    ? style.red
    : style.yellow;
  const text = clip(`${e.status}${first ? `: ${first}` : ""}`, Math.max(10, columns - 6));
  return `  ${style.dim("⎿")} ${paint(text)}\n`;
}

/** The line after a turn: its status when it did not simply complete, and its usage. */
export function describeTurnEnd(
  e: Ev<"turn_complete">,
  usage: Ev<"usage"> | undefined,
): string {
  const lines: string[] = [];
  switch (e.status) {
    case "completed":
      break;
    case "cancelled":
      lines.push(style.yellow("(turn cancelled)"));
      break;
    case "max_steps":
      lines.push(style.yellow(`(stopped after ${e.steps} steps: [agent] max_steps_per_turn)`));
      break;
    case "budget_exceeded":
      lines.push(style.red("(stopped: the session's budget is spent; see /budget)"));
      break;
    case "error":
      lines.push(style.red("(the turn failed)"));
      break;
  }
  if (usage !== undefined) {
    const cost = usage.costUsd === null ? "unpriced" : `$${usage.costUsd.toFixed(4)}`;
    lines.push(style.dim(
      `${usage.inputTokens} in / ${usage.outputTokens} out tokens · ${cost} · ` +
        `session $${usage.sessionSpentUsd.toFixed(4)}`,
    ));
  }
  return lines.map((l) => l + "\n").join("");
}

/** JSON on one line with long strings shortened, for a glance at tool arguments. */
export function compactJson(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v) =>
      typeof v === "string" && v.length > 60 ? `${v.slice(0, 57)}...(${v.length} chars)` : v,
  ) ??
    "";
}

/** Cut `text` to `width` columns, ending in "…" when cut. */
export function clip(text: string, width: number): string {
  const oneLine = text.replace(/\s*\n\s*/g, " ");
  if (displayWidth(oneLine) <= width) return oneLine;
  let out = "";
  let w = 0;
  for (const ch of oneLine) {
    w += codePointWidth(ch.codePointAt(0)!);
    if (w > width - 1) break;
    out += ch;
  }
  return out + "…";
}
