/**
 * A connected MCP server, as Astrid uses one: list its tools, call one, stop
 * it. The SDK `Client` speaks the protocol; the transport is ours
 * ({@link StdioProcessTransport} for real servers, the SDK's in-memory pair
 * in tests). The client announces no capabilities (no roots, sampling or
 * elicitation), so a server cannot widen its own folders through roots or
 * ask the model or the human anything behind Astrid's back.
 *
 * @module
 */

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { AstridError, type JsonValue } from "../core/mod.ts";
import type { McpLaunch } from "./mcp_launch.ts";
import { renderToolResult } from "./render_tool_result.ts";
import { type StdioProcessOptions, StdioProcessTransport } from "./stdio_process_transport.ts";
import type { McpToolInfo } from "./tool_list_hash.ts";

/** What a tool call returned. */
export interface McpToolResult {
  /** False when the server reported the call as failed (`isError`). */
  readonly ok: boolean;
  /** Every content part as text (non-text parts described), clipped. */
  readonly text: string;
}

/** Options of {@link connectMcp} and {@link startMcpServer}. */
export interface McpSessionOptions {
  /** Limit for the handshake and for listing tools; default 30 s. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** Most tools read from one server. */
export const MAX_TOOLS = 1000;
const MAX_PAGES = 50;
const VERSION = "0.1.0";

/** A running, initialised MCP server. Always {@link McpSession.close} it. */
export class McpSession {
  readonly server: string;
  readonly #client: Client;
  readonly #transport: Transport;
  readonly #timeoutMs: number;
  readonly #changed: { value: boolean };

  private constructor(
    server: string,
    client: Client,
    transport: Transport,
    timeoutMs: number,
    changed: { value: boolean },
  ) {
    this.server = server;
    this.#client = client;
    this.#transport = transport;
    this.#timeoutMs = timeoutMs;
    this.#changed = changed;
  }

  /**
   * True once the server announced that its tool list changed: the list
   * approved at start may no longer describe what its tools do, so callers
   * stop calling until the list is checked again.
   */
  get toolsChanged(): boolean {
    return this.#changed.value;
  }

  /** Run the MCP handshake over `transport`; closes it on failure. */
  static async connect(
    server: string,
    transport: Transport,
    options: McpSessionOptions = {},
  ): Promise<McpSession> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    const client = new Client({ name: "astrid", version: VERSION }, { capabilities: {} });
    // Registered before the handshake, so an announcement made at once is not missed.
    const changed = { value: false };
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      changed.value = true;
    });
    try {
      await client.connect(transport, { timeout: timeoutMs, signal: options.signal });
    } catch (e) {
      await transport.close().catch(() => {});
      throw new AstridError(
        "MCP_START_FAILED",
        `MCP server "${server}" did not complete the handshake: ${(e as Error).message}${
          stderrOf(transport)
        }`,
        { cause: e },
      );
    }
    return new McpSession(server, client, transport, timeoutMs, changed);
  }

  /** Process id of the server, when it is a child process. */
  get pid(): number | null {
    return this.#transport instanceof StdioProcessTransport ? this.#transport.pid : null;
  }

  /** Name and version the server reported. */
  get serverVersion(): { name: string; version: string } | undefined {
    const v = this.#client.getServerVersion();
    return v ? { name: v.name, version: v.version } : undefined;
  }

  /** Every tool the server offers (all pages), in its order. */
  async listTools(signal?: AbortSignal): Promise<McpToolInfo[]> {
    const out: McpToolInfo[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const r = await this.#client.listTools(cursor === undefined ? {} : { cursor }, {
        timeout: this.#timeoutMs,
        ...(signal ? { signal } : {}),
      }).catch((e: unknown) => {
        throw this.#failure("tools/list", e);
      });
      for (const t of r.tools) {
        if (out.length >= MAX_TOOLS) {
          throw new AstridError(
            "MCP_CALL_FAILED",
            `MCP server "${this.server}" offers more than ${MAX_TOOLS} tools`,
          );
        }
        out.push(toolInfo(t));
      }
      cursor = r.nextCursor;
      if (cursor === undefined) return out;
    }
    throw new AstridError(
      "MCP_CALL_FAILED",
      `MCP server "${this.server}" paginated its tools over more than ${MAX_PAGES} pages`,
    );
  }

  /** Call `tool` with `args`. A protocol failure throws; a tool failure is `ok: false`. */
  async callTool(
    tool: string,
    args: Readonly<Record<string, JsonValue>>,
    options: { signal?: AbortSignal; timeoutMs?: number; maxBytes?: number } = {},
  ): Promise<McpToolResult> {
    const r = await this.#client.callTool({ name: tool, arguments: { ...args } }, undefined, {
      timeout: options.timeoutMs ?? this.#timeoutMs,
      ...(options.signal ? { signal: options.signal } : {}),
    }).catch((e: unknown) => {
      throw this.#failure(`tools/call ${tool}`, e);
    });
    return renderToolResult(r, options.maxBytes ?? 256 * 1024);
  }

  /** The last lines the server wrote to stderr (for error messages). */
  stderrTail(): string {
    return this.#transport instanceof StdioProcessTransport ? this.#transport.stderrTail() : "";
  }

  /** Stop the server (stdin closed, then its process group signalled). */
  async close(): Promise<void> {
    await this.#client.close().catch(() => {});
    await this.#transport.close().catch(() => {});
  }

  #failure(what: string, e: unknown): AstridError {
    return new AstridError(
      "MCP_CALL_FAILED",
      `MCP server "${this.server}": ${what} failed: ${(e as Error).message}${
        stderrOf(this.#transport)
      }`,
      { cause: e },
    );
  }
}

/** Start the server `launch` describes and run the handshake. */
export async function startMcpServer(
  launch: McpLaunch,
  options: McpSessionOptions & StdioProcessOptions = {},
): Promise<McpSession> {
  const transport = new StdioProcessTransport(launch, options);
  return await McpSession.connect(launch.server, transport, options);
}

function stderrOf(transport: Transport): string {
  if (!(transport instanceof StdioProcessTransport)) return "";
  const tail = transport.stderrTail();
  return tail === ""
    ? ""
    : `\n  server stderr (last lines):\n    ${tail.split("\n").slice(-10).join("\n    ")}`;
}

function toolInfo(t: {
  name: string;
  description?: string | undefined;
  inputSchema: unknown;
  outputSchema?: unknown;
  annotations?: unknown;
}): McpToolInfo {
  // A plain JSON copy: what is hashed and shown is exactly what came over the wire.
  const json = (v: unknown) => JSON.parse(JSON.stringify(v)) as { [key: string]: JsonValue };
  return {
    name: t.name,
    description: t.description ?? "",
    inputSchema: json(t.inputSchema),
    ...(t.outputSchema !== undefined ? { outputSchema: json(t.outputSchema) } : {}),
    ...(t.annotations !== undefined ? { annotations: json(t.annotations) } : {}),
  };
}
