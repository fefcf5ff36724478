/**
 * A real security runtime and agent host over a temp home and workspace, a
 * provider on the fake LLM server (real HTTP, exact wire formats) or a
 * scripted in-memory one, tools over real files, and a recording frontend.
 *
 * @module
 */

import { isAbsolute, join, resolve } from "node:path";
import { FakeClock } from "../../src/core/mod.ts";
import {
  createProvider,
  type LlmProvider,
  type LlmToolSpec,
  ScriptedLlmProvider,
} from "../../src/llm/mod.ts";
import {
  type AgentEvent,
  AgentHost,
  type AgentToolContext,
  ApprovalBridge,
  type Frontend,
  type ToolHost,
  type ToolOutput,
  type TurnControl,
} from "../../src/runtime/agent/mod.ts";
import { openSecurityRuntime, type SecurityRuntime } from "../../src/runtime/mod.ts";
import type { ApprovalDecision, ApprovalRequest } from "../../src/security/mod.ts";
import { type FakeLlmServer, type FakeReply, startFakeLlmServer } from "../llm/fake_llm_server.ts";

/** The model name every fixture uses. */
export const MODEL = "test-model";

/** Which wire format the fake server is spoken to in. */
export type Flavour = "anthropic" | "openai";

/** Everything a test gets. */
export interface AgentFixture {
  readonly rt: SecurityRuntime;
  readonly host: AgentHost;
  readonly bridge: ApprovalBridge;
  readonly home: string;
  readonly workspace: string;
  readonly root: string;
  readonly tools: FileTools;
  /** Set when the fixture runs a fake server. */
  readonly server: FakeLlmServer | undefined;
}

/** Options of {@link withAgent}. */
export interface AgentOptions {
  /** TOML written to the home config (trusted layer). */
  readonly config?: string;
  /** Replies of the fake server (real HTTP). */
  readonly script?: readonly FakeReply[];
  readonly flavour?: Flavour;
  /** Or an in-memory provider. */
  readonly provider?: LlmProvider;
  readonly clock?: FakeClock;
  /** The tools the host offers (default: {@link FileTools}, also reachable as `f.tools`). */
  readonly toolHost?: (rt: SecurityRuntime) => ToolHost;
}

/** Open everything, run `fn`, close and remove everything. */
export async function withAgent(
  options: AgentOptions,
  fn: (f: AgentFixture) => Promise<void>,
): Promise<void> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "astrid-agent-" }));
  const home = join(root, "home");
  const workspace = join(root, "ws");
  await Deno.mkdir(home, { mode: 0o700 });
  await Deno.mkdir(workspace);
  await Deno.writeTextFile(join(home, "config.toml"), options.config ?? "");
  const bridge = new ApprovalBridge();
  const rt = await openSecurityRuntime({
    home,
    workspace,
    env: { ASTRID_SYSTEM_CONFIG: join(root, "no-system.toml") },
    channel: bridge,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const server = options.script ? startFakeLlmServer(options.script) : undefined;
  try {
    const flavour = options.flavour ?? "anthropic";
    const provider = options.provider ??
      (server === undefined ? new ScriptedLlmProvider([]) : createProvider(
        {
          provider: flavour,
          model: MODEL,
          base_url: flavour === "anthropic" ? server!.url : `${server!.url}/v1`,
          api_key: "sk-test-key",
          max_tokens: rt.config.llm.max_tokens,
          context_window: rt.config.llm.context_window,
          prices: rt.config.llm.prices,
        },
        {},
        {
          retry: { baseDelayMs: 1, maxDelayMs: 2, maxRetryAfterMs: 5 },
        },
      ));
    const tools = new FileTools();
    const host = new AgentHost({
      rt,
      approvals: bridge,
      provider,
      tools: options.toolHost?.(rt) ?? tools,
      model: MODEL,
      ...(options.clock ? { clock: options.clock } : {}),
    });
    await fn({ rt, host, bridge, home, workspace, root, tools, server });
  } finally {
    await server?.close();
    await rt.close();
    await Deno.remove(root, { recursive: true });
  }
}

/** A hook that may take over a tool call (return `undefined` to run it normally). */
export type ToolHook = (
  name: string,
  args: Readonly<Record<string, unknown>>,
  ctx: AgentToolContext,
) => Promise<ToolOutput | undefined> | ToolOutput | undefined;

/** `read_file`, `write_file` and `list_directory` over real files, relative to the agent's folder. */
export class FileTools implements ToolHost {
  readonly calls: {
    name: string;
    args: Readonly<Record<string, unknown>>;
    ctx: AgentToolContext;
  }[] = [];
  hook: ToolHook | undefined;

  specs(): readonly LlmToolSpec[] {
    const obj = (props: Record<string, unknown>, required: string[]) => ({
      type: "object",
      properties: props,
      required,
    });
    return [
      {
        name: "read_file",
        description: "Read a text file",
        inputSchema: obj({ path: { type: "string" } }, ["path"]),
      },
      {
        name: "write_file",
        description: "Write a text file",
        inputSchema: obj({ path: { type: "string" }, content: { type: "string" } }, [
          "path",
          "content",
        ]),
      },
      {
        name: "list_directory",
        description: "List a folder",
        inputSchema: obj({ path: { type: "string" } }, []),
      },
    ];
  }

  async call(
    name: string,
    args: Readonly<Record<string, unknown>>,
    ctx: AgentToolContext,
  ): Promise<ToolOutput> {
    this.calls.push({ name, args, ctx });
    const hooked = await this.hook?.(name, args, ctx);
    if (hooked) return hooked;
    const at = (p: unknown) => {
      const s = String(p ?? ".");
      return isAbsolute(s) ? s : resolve(ctx.root, s);
    };
    try {
      switch (name) {
        case "read_file":
          return { ok: true, output: await Deno.readTextFile(at(args["path"])) };
        case "write_file":
          await Deno.writeTextFile(at(args["path"]), String(args["content"]));
          return { ok: true, output: `wrote ${args["path"]}` };
        case "list_directory": {
          const names: string[] = [];
          for await (const e of Deno.readDir(at(args["path"]))) names.push(e.name);
          return { ok: true, output: names.sort().join("\n") };
        }
        default:
          return { ok: false, output: `no tool ${name}`, error: `no tool ${name}` };
      }
    } catch (e) {
      return { ok: false, output: (e as Error).message, error: (e as Error).message };
    }
  }
}

/** A frontend that records every event and answers approvals with `decide` (if set). */
export class RecordingFrontend implements Frontend {
  readonly id = "test:frontend";
  readonly events: AgentEvent[] = [];
  control: TurnControl | undefined;

  constructor(
    public decide?: (request: ApprovalRequest) => ApprovalDecision | undefined,
  ) {}

  onEvent(event: AgentEvent, turn: TurnControl): void {
    this.events.push(event);
    this.control = turn;
    if (event.kind === "approval_needed" && this.decide) {
      const d = this.decide(event.request);
      if (d) turn.answer(event.request.id, d);
    }
  }

  of<K extends AgentEvent["kind"]>(kind: K): Extract<AgentEvent, { kind: K }>[] {
    return this.events.filter((e): e is Extract<AgentEvent, { kind: K }> => e.kind === kind);
  }

  text(): string {
    return this.of("text").map((e) => e.text).join("");
  }
}

/** A scripted tool call reply. */
export function toolCall(id: string, name: string, args: Record<string, unknown>) {
  return { id, name, argumentChunks: [JSON.stringify(args)] };
}

/** The bodies the fake server received, as JSON. */
export function bodies(server: FakeLlmServer): Record<string, unknown>[] {
  return server.requests.map((r) => r.body as Record<string, unknown>);
}
