/**
 * `[[policy.examples]]`: proposed tool calls with the decision they must get.
 * The runtime checks them when the config loads and refuses to start when
 * one fails, so a policy edit that silently changes a decision is caught.
 *
 * Pure: the caller supplies `evaluate` (classification, policy and mode as a
 * dry run); nothing here executes or records anything.
 *
 * @module
 */

import type { WorkspaceMode } from "./mode_decision.ts";

/** The three answers a dry run can give. */
export type ExampleDecision = "allow" | "ask" | "deny";

/** One example, as configuration writes it. */
export interface PolicyExample {
  readonly tool: string;
  readonly args: unknown;
  readonly expect: ExampleDecision;
  /** Evaluate under this workspace mode instead of the configured one. */
  readonly mode?: WorkspaceMode | undefined;
}

/** What `evaluate` returns: the decision, optionally with where it came from. */
export type ExampleOutcome =
  | ExampleDecision
  | { decision: ExampleDecision; stage?: string; rule?: string | undefined; reason?: string };

/** One failing example. */
export interface PolicyExampleFailure {
  readonly index: number;
  readonly example: PolicyExample;
  /** `undefined` when `evaluate` threw. */
  readonly actual: ExampleDecision | undefined;
  /** `policy.examples[2] (tool "bash", args {...}): expected "deny", got "allow" ...` */
  readonly message: string;
}

/** Run every example; an empty result means all of them hold. */
export function checkPolicyExamples(
  examples: readonly PolicyExample[],
  evaluate: (tool: string, args: unknown, mode: WorkspaceMode | undefined) => ExampleOutcome,
): PolicyExampleFailure[] {
  const failures: PolicyExampleFailure[] = [];
  examples.forEach((example, index) => {
    const name = `policy.examples[${index}] (tool ${JSON.stringify(example.tool)}, args ${
      shortJson(example.args)
    }${example.mode ? `, mode ${example.mode}` : ""})`;
    let outcome: ExampleOutcome;
    try {
      outcome = evaluate(example.tool, example.args, example.mode);
    } catch (e) {
      failures.push({
        index,
        example,
        actual: undefined,
        message: `${name}: expected "${example.expect}", but evaluating it failed: ${
          e instanceof Error ? e.message : String(e)
        }`,
      });
      return;
    }
    const actual = typeof outcome === "string" ? outcome : outcome.decision;
    if (actual === example.expect) return;
    const why = typeof outcome === "string" ? "" : explain(outcome);
    failures.push({
      index,
      example,
      actual,
      message: `${name}: expected "${example.expect}", got "${actual}"${why}`,
    });
  });
  return failures;
}

function explain(o: Exclude<ExampleOutcome, string>): string {
  const parts = [
    o.stage ? `stage ${o.stage}` : "",
    o.rule ? `rule ${o.rule}` : "",
    o.reason ? o.reason : "",
  ].filter((p) => p !== "");
  return parts.length ? ` (${parts.join("; ")})` : "";
}

function shortJson(x: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(x) ?? String(x);
  } catch {
    s = String(x);
  }
  return s.length > 120 ? `${s.slice(0, 117)}...` : s;
}
