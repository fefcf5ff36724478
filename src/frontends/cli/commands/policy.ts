/**
 * `astrid policy check [--json] [--mode M] <tool> '<args-json>'`: the
 * security decision for one proposed tool call, as a dry run. The call is
 * classified into canonical actions, then the admin policy and the workspace
 * mode decide; nothing executes and nothing is recorded.
 *
 * @module
 */

import type { Command } from "commander";
import { AstridError, UsageError } from "../../../core/mod.ts";
import { type CallDecision, decideToolCall } from "../../../security/classify/mod.ts";
import { canonicalizePath } from "../../../security/path/mod.ts";
import {
  type CompiledPolicy,
  compilePolicy,
  type WorkspaceMode,
} from "../../../security/policy/mod.ts";
import { resolveHome, resolveWorkspace, WORKSPACE_MODES } from "../../../config/mod.ts";
import { denoFsProbe } from "../../../workspace/deno_fs_probe.ts";
import { cryptoRandom } from "../../../core/mod.ts";
import { createTokenGate } from "../../../runtime/mod.ts";
import { loadKeyring, openExistingStateKv } from "../../../storage/mod.ts";
import type { CliContext, GlobalOptions, RegisterCommand } from "../context.ts";
import { loadConfigForCommand } from "./config.ts";

/** Register `astrid policy`. */
export const registerPolicyCommand: RegisterCommand = (program, ctx) => {
  const policy = program.command("policy")
    .description("Dry-run the security decision for one action")
    .addHelpText(
      "after",
      `
Examples:
  $ astrid policy check read_file '{"path": "/etc/shadow"}'
  $ astrid policy check --json bash '{"command": "curl https://example.com | sh"}'
`,
    );

  policy.command("check")
    .description("Show the decision (allow, ask or deny) for one proposed tool call")
    .argument(
      "<tool>",
      "read_file, write_file, edit_file, glob, grep, list_directory, bash, task, or mcp:<server>:<tool>",
    )
    .argument("<args-json>", "the tool's arguments as one JSON object")
    .option(
      "--mode <mode>",
      `workspace mode to assume (${WORKSPACE_MODES.join(", ")}; default: the config's)`,
    )
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      `
Runs classification, the admin policy ([policy] and the built-in floor) and the
workspace mode, then the capability tokens granted with Allow Always, as a dry
run: nothing executes and nothing is recorded. Paths are resolved against the
workspace (symlinks included). "ask" means a human would be asked.
Exit status is 0 whatever the decision; 2 on bad arguments.

Examples:
  $ astrid policy check read_file '{"path": "/etc/shadow"}'
  $ astrid policy check --mode autonomous write_file '{"path": "src/a.ts", "content": "x"}'
  $ astrid policy check --json bash '{"command": "env FOO=1 sudo id"}'`,
    )
    .action(
      async (
        tool: string,
        argsJson: string,
        opts: { mode?: string; json?: boolean },
        cmd: Command,
      ) => {
        const args = parseArgs(argsJson);
        const mode = parseMode(opts.mode);
        const { decision, settings, workspace } = await check(ctx, cmd, tool, args, mode);
        if (opts.json) {
          ctx.io.stdout(
            `${JSON.stringify(toJson(decision, tool, workspace, settings), null, 2)}\n`,
          );
        } else {
          ctx.io.stdout(toText(decision, settings));
        }
      },
    );
};

type Settings = { mode: WorkspaceMode; escape_policy: "ask" | "deny"; read_allowlist: string[] };

async function check(
  ctx: CliContext,
  cmd: Command,
  tool: string,
  args: Record<string, unknown>,
  mode: WorkspaceMode | undefined,
): Promise<{ decision: CallDecision; settings: Settings; workspace: string }> {
  const globals = cmd.optsWithGlobals() as GlobalOptions;
  const loaded = await loadConfigForCommand(ctx, cmd);
  const workspacePath = resolveWorkspace(ctx.cwd, globals.workspace);
  let workspace: string | null;
  try {
    workspace = denoFsProbe.realPath(workspacePath);
  } catch (e) {
    throw new UsageError(`cannot resolve workspace "${workspacePath}": ${(e as Error).message}`);
  }
  if (workspace === null) throw new UsageError(`workspace "${workspacePath}" does not exist`);
  const home = canonicalizePath(resolveHome(ctx.env), "/", denoFsProbe);
  if (!home.ok) throw new UsageError(`cannot resolve the Astrid home: ${home.reason}`);
  let compiled: CompiledPolicy;
  try {
    compiled = compilePolicy(loaded.config.policy, { workspace, home: home.path });
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    throw new AstridError("CONFIG_INVALID", `invalid configuration: ${e.message}`, { cause: e });
  }
  const settings: Settings = {
    mode: mode ?? loaded.config.workspace.mode,
    escape_policy: loaded.config.workspace.escape_policy,
    read_allowlist: loaded.config.workspace.read_allowlist,
  };
  const decision = decideToolCall(tool, args, { policy: compiled, settings, probe: denoFsProbe });
  return { decision: await withTokens(decision, home.path), settings, workspace };
}

/**
 * Stage 2 of the dry run: when a human would be asked, would a stored token
 * (Allow Always) cover every action instead? Reads the state file only if it
 * exists and never writes to it; always-ask tools are still asked.
 */
async function withTokens(d: CallDecision, home: string): Promise<CallDecision> {
  if (d.decision !== "ask" || d.stage !== "mode" || d.actions.length === 0) return d;
  const kv = await openExistingStateKv(home);
  if (!kv) return d;
  try {
    const keyring = await loadKeyring(home).catch(() => undefined);
    if (!keyring) return d;
    const gate = createTokenGate({
      kv,
      keyring,
      clock: { now: () => Date.now() },
      random: cryptoRandom,
      ttlMs: 1,
      skewMs: 30_000,
    });
    const ids: string[] = [];
    for (const action of d.actions) {
      const m = await gate.find(action, { principal: "local", sessionId: "-" });
      if (!m) return d;
      ids.push(m.tokenId);
    }
    return {
      ...d,
      decision: "allow",
      stage: "token",
      rule: `token:${[...new Set(ids)].join(",")}`,
      reason: "covered by a capability token (Allow Always); the human would not be asked",
    };
  } finally {
    kv.close();
  }
}

function parseArgs(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UsageError(
      `<args-json> is not valid JSON: ${(e as Error).message} (got ${
        JSON.stringify(clip(text))
      }; expected an object such as '{"path": "src/main.ts"}')`,
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UsageError(
      `<args-json> must be a JSON object, got ${
        JSON.stringify(clip(text))
      } (for example '{"path": "src/main.ts"}')`,
    );
  }
  return value as Record<string, unknown>;
}

function parseMode(mode: string | undefined): WorkspaceMode | undefined {
  if (mode === undefined) return undefined;
  if (!(WORKSPACE_MODES as readonly string[]).includes(mode)) {
    throw new UsageError(`--mode "${mode}" is not one of ${WORKSPACE_MODES.join(", ")}`);
  }
  return mode as WorkspaceMode;
}

function clip(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function toJson(d: CallDecision, tool: string, workspace: string, settings: Settings) {
  return {
    decision: d.decision,
    stage: d.stage,
    rule: d.rule ?? null,
    reason: d.reason,
    tool,
    workspace,
    mode: settings.mode,
    escape_policy: settings.escape_policy,
    arg_bytes: d.argBytes ?? null,
    actions: d.actions,
    checks: d.checks.map((c) => ({
      summary: c.summary,
      policy: c.policy,
      mode: c.mode ?? null,
    })),
  };
}

function toText(d: CallDecision, settings: Settings): string {
  const lines = [
    `decision  ${d.decision}`,
    `stage     ${d.stage}`,
    `rule      ${d.rule ?? "-"}`,
    `reason    ${d.reason}`,
    `mode      ${settings.mode} (escape_policy ${settings.escape_policy})`,
  ];
  if (d.checks.length === 0) lines.push("actions   none");
  d.checks.forEach((c, i) => {
    const policy = c.policy.kind === "allow" ? "allow" : `${c.policy.kind} ${c.policy.rule}`;
    const mode = c.mode ? `; mode: ${c.mode.kind} ${c.mode.rule}` : "";
    lines.push(`${i === 0 ? "actions   " : "          "}${c.summary}  [policy: ${policy}${mode}]`);
  });
  return `${lines.join("\n")}\n`;
}
