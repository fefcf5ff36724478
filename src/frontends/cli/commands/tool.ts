/**
 * `astrid tool call <tool> '<args-json>'`: run one built-in tool through the
 * full interceptor as the human operator. It asks at the terminal, or takes
 * the decision from `--approve` for scripts, and everything is recorded in
 * the audit log like any other call.
 *
 * @module
 */

import type { Command } from "commander";
import { UsageError } from "../../../core/mod.ts";
import { runTool } from "../../../runtime/mod.ts";
import { type ApprovalChannel, type ApprovalDecision, NO_HUMAN } from "../../../security/mod.ts";
import type { RegisterCommand } from "../context.ts";
import { fixedChannel, terminalChannel } from "../prompt_channel.ts";
import { operatorName, withRuntime } from "../with_runtime.ts";

const APPROVE: Record<string, ApprovalDecision> = {
  once: "allow_once",
  session: "allow_session",
  always: "allow_always",
  deny: "deny",
};

/** Register `astrid tool`. */
export const registerToolCommand: RegisterCommand = (program, ctx) => {
  const tool = program.command("tool")
    .description("Run one built-in tool through the interceptor")
    .addHelpText(
      "after",
      `
Examples:
  $ astrid tool call read_file '{"path": "README.md"}'
  $ astrid tool call --approve deny write_file '{"path": "/tmp/x", "content": "hi"}'`,
    );
  tool.command("call")
    .description("Run a tool call as the operator (asks, or takes --approve), fully audited")
    .argument("<tool>", "read_file, write_file, edit_file, glob, grep, list_directory or bash")
    .argument("<args-json>", "the tool's arguments as one JSON object")
    .option("--approve <decision>", "answer any approval with once, session, always or deny")
    .option("--session <id>", "session to act in (allowances are per session)", "cli")
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      `
Without --approve, a request that needs a human is asked at the terminal; with no
terminal it is queued (see 'astrid approvals'). Exit status: 0 when the tool ran and
succeeded, 1 when it was denied, deferred or failed, 2 on bad arguments.

Examples:
  $ astrid tool call bash '{"command": "git status"}'
  $ astrid tool call --approve once --json write_file '{"path": "notes.txt", "content": "x"}'`,
    )
    .action(
      async (
        name: string,
        argsJson: string,
        opts: { approve?: string; session: string; json?: boolean },
        cmd: Command,
      ) => {
        let args: unknown;
        try {
          args = JSON.parse(argsJson);
        } catch (e) {
          throw new UsageError(`<args-json> is not valid JSON: ${(e as Error).message}`);
        }
        if (opts.approve !== undefined && !(opts.approve in APPROVE)) {
          throw new UsageError(
            `--approve "${opts.approve}" is not one of once, session, always, deny`,
          );
        }
        const who = operatorName(ctx);
        const channel: ApprovalChannel = opts.approve
          ? fixedChannel(APPROVE[opts.approve]!, who)
          : ctx.io.isTerminal
          ? terminalChannel(ctx.io, who)
          : NO_HUMAN;
        await withRuntime(ctx, cmd, async (rt) => {
          const run = await runTool(rt, name, args, {
            sessionId: opts.session,
            principal: "local",
            signal: new AbortController().signal,
            env: ctx.env,
            requestedBy: "operator",
          });
          if (run.kind === "invalid") throw new UsageError(run.reason);
          if (run.kind !== "ran" || !run.result.ok) ctx.setExitCode(1);
          if (opts.json) {
            ctx.io.stdout(`${JSON.stringify(run, null, 2)}\n`);
            return;
          }
          switch (run.kind) {
            case "ran":
              ctx.io.stdout(`${run.result.output}\n`);
              ctx.io.stderr(`astrid: allowed (${run.via}); audit entry #${run.auditSeq}\n`);
              return;
            case "denied":
              ctx.io.stderr(`astrid: denied at ${run.stage}: ${run.reason}\n`);
              return;
            case "deferred":
              ctx.io.stderr(
                `astrid: ${run.reason}\n  resolve it with 'astrid approvals allow ${run.requestId}' and run the call again\n`,
              );
              return;
          }
        }, { channel });
      },
    );
};
