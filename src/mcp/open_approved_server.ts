/**
 * Start a server and hold it to its pin: the session is offered to the agent
 * only when the tool list it reports now hashes to the approved one.
 * Otherwise the caller gets the session, the current tools and the verdict,
 * to ask the human again (and audit that) or to close it.
 *
 * @module
 */

import type { McpLaunch } from "./mcp_launch.ts";
import { McpSession, type McpSessionOptions, startMcpServer } from "./mcp_session.ts";
import type { ApprovedServer } from "./run_mcp_tool.ts";
import type { StdioProcessOptions } from "./stdio_process_transport.ts";
import type { McpToolInfo } from "./tool_list_hash.ts";
import { checkToolPin, type PinVerdict, type ToolPin } from "./tool_pin.ts";

/** What starting a pinned server found. Close `session` in every case. */
export type OpenedServer =
  | {
    readonly kind: "ready";
    readonly session: McpSession;
    readonly host: ApprovedServer;
    readonly verdict: Extract<PinVerdict, { kind: "match" }>;
  }
  | {
    readonly kind: "unapproved";
    readonly session: McpSession;
    readonly tools: readonly McpToolInfo[];
    readonly verdict: Exclude<PinVerdict, { kind: "match" }>;
  };

/** Start `launch`, list its tools and compare them with `pin` (null: none approved yet). */
export async function openApprovedServer(
  launch: McpLaunch,
  pin: ToolPin | null,
  options: McpSessionOptions & StdioProcessOptions & { readonly capsule?: string } = {},
): Promise<OpenedServer> {
  const session = await startMcpServer(launch, options);
  try {
    const tools = await session.listTools(options.signal);
    const verdict = checkToolPin(pin ?? undefined, tools);
    if (verdict.kind !== "match") return { kind: "unapproved", session, tools, verdict };
    const host: ApprovedServer = {
      server: launch.server,
      ...(options.capsule ? { capsule: options.capsule } : {}),
      cwd: launch.cwd,
      tools,
      session,
    };
    return { kind: "ready", session, host, verdict };
  } catch (e) {
    await session.close();
    throw e;
  }
}
