/**
 * The MCP host engine, pure part: an approved `McpEnginePlan` -> exactly
 * what to start (program, arguments, environment, folder). Starting it, the
 * handshake, tool pinning and gated calls are the MCP concern's
 * (`src/mcp/`), which a frontend or the runtime wires to this value.
 *
 * Invariants:
 * - the environment holds only the `[env]` names the server declares, with
 *   the values the human entered at install (or a string's default); a
 *   declared name without a value refuses the launch instead of starting a
 *   half-configured server. Nothing of Astrid's own environment is copied
 *   (the MCP transport clears it and adds only a minimal `PATH` when the
 *   server declares none);
 * - the working folder is the installed capsule's own folder, so the
 *   server's relative paths resolve there (inside Astrid's home, which the
 *   policy keeps the agent out of).
 *
 * @module
 */

import type { EnvSpec } from "./manifest.ts";
import type { McpEnginePlan } from "./plan_capsule.ts";

/** What to start (structurally the MCP concern's `McpLaunch`). */
export interface McpServerLaunch {
  /** Name in `mcp:<server>:<tool>`: the server's id. */
  readonly server: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
}

/** Result of {@link mcpServerLaunch}. */
export type LaunchResult =
  | { readonly ok: true; readonly launch: McpServerLaunch }
  | { readonly ok: false; readonly reason: string };

/** Inputs besides the plan. */
export interface LaunchInputs {
  /** The installed capsule's folder. */
  readonly capsuleDir: string;
  /** The manifest's `[env]` (for defaults and messages). */
  readonly envSpecs: Readonly<Record<string, EnvSpec>>;
  /** Values stored at install, by `[env]` name. */
  readonly values: Readonly<Record<string, string>>;
}

/** Build the launch of `plan`'s server. */
export function mcpServerLaunch(plan: McpEnginePlan, inputs: LaunchInputs): LaunchResult {
  const { server } = plan;
  const env: Record<string, string> = {};
  for (const name of server.env) {
    const spec = inputs.envSpecs[name];
    const value = inputs.values[name] ??
      (spec?.type === "string" ? spec.default : undefined);
    if (value === undefined || value === "") {
      return {
        ok: false,
        reason: `MCP server "${server.id}" of capsule "${plan.capsule}" needs ${name}` +
          `${spec ? ` (${spec.request})` : ""}, which has no value; ` +
          `reinstall the capsule to enter it`,
      };
    }
    env[name] = value;
  }
  return {
    ok: true,
    launch: {
      server: server.id,
      command: server.command,
      args: server.args,
      env,
      cwd: inputs.capsuleDir,
    },
  };
}
