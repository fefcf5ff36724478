/**
 * The typed form of a `Capsule.toml`: what a capsule is, what it runs and what
 * it asks for. Produced only by `parseManifest()`, so every value here has been
 * validated. Capabilities in a manifest are a request, never a grant: only the
 * plan (`planCapsule()`) carries what the human approved.
 *
 * @module
 */

/** `[package]`. */
export interface PackageSpec {
  /** Capsule id: lowercase letters, digits, `-`, `_` (used in paths and KV keys). */
  readonly name: string;
  /** Semantic version `MAJOR.MINOR.PATCH[-pre][+build]`. */
  readonly version: string;
  readonly description?: string;
}

/** `[component]`: the WASM module and its pinned hash. */
export interface ComponentSpec {
  /** Path of the `.wasm` file, relative to the capsule folder, never climbing out of it. */
  readonly entrypoint: string;
  /** `blake3:<64 lowercase hex>`, or absent (refused in production mode). */
  readonly hash?: string;
}

/** What a capsule asks for (`[capabilities]` plus the parts that need consent). */
export interface CapabilitySet {
  /** Hosts for `http-request`: `host` (ports 80 and 443) or `host:port`. */
  readonly net: readonly string[];
  /** Globs (absolute, or relative to the workspace root) that read-type host functions may touch. */
  readonly fsRead: readonly string[];
  /** Globs that write-type host functions may touch. */
  readonly fsWrite: readonly string[];
  /** `kv-get`/`kv-set` in the capsule's own namespace. */
  readonly kv: boolean;
  /** Native child processes, each pinned to its exact command line and environment names. */
  readonly mcpServers: readonly McpServerSpec[];
  /** Lifecycle hooks that see every event of their kind (tool calls included). */
  readonly interceptors: readonly InterceptorEvent[];
}

/** How a secret reaches the outside world without passing through the capsule. */
export interface SecretInjection {
  /** Host (as in `capabilities.net`, without port) whose requests carry the secret. */
  readonly host: string;
  /** Request header set by the host, e.g. `Authorization`. */
  readonly header: string;
  /** Text put before the secret, e.g. `Bearer `. */
  readonly prefix: string;
}

/** `[env.NAME]`: a value the human supplies at install. */
export type EnvSpec =
  | {
    readonly type: "secret";
    readonly request: string;
    readonly inject?: SecretInjection;
  }
  | { readonly type: "string"; readonly request: string; readonly default?: string };

/** `[[mcp_server]]`: a stdio MCP server started as a child process. */
export interface McpServerSpec {
  readonly id: string;
  readonly type: "stdio";
  readonly command: string;
  readonly args: readonly string[];
  /** Names declared in `[env]` that the child receives; nothing else of the parent's. */
  readonly env: readonly string[];
}

/** `[[cron]]`. */
export interface CronSpec {
  readonly name: string;
  /** Five fields: minute hour day-of-month month day-of-week. */
  readonly schedule: string;
  /** What to run, e.g. `astrid.github.sync`. */
  readonly action: string;
}

/** Events an interceptor may hook. */
export const INTERCEPTOR_EVENTS = [
  "BeforeToolCall",
  "AfterToolCall",
  "BeforeLlmRequest",
  "AfterLlmResponse",
  "SessionStart",
  "SessionEnd",
] as const;

/** One of {@link INTERCEPTOR_EVENTS}. */
export type InterceptorEvent = typeof INTERCEPTOR_EVENTS[number];

/** `[[interceptor]]`: a WASM export called on a lifecycle event. */
export interface InterceptorSpec {
  readonly event: InterceptorEvent;
  /** Exported function to call; defaults to the event in snake_case (`before_tool_call`). */
  readonly handler: string;
}

/** What an LLM provider capsule can do. */
export const LLM_CAPABILITIES = ["text", "vision", "tools", "audio", "embeddings"] as const;

/** One of {@link LLM_CAPABILITIES}. */
export type LlmCapability = typeof LLM_CAPABILITIES[number];

/** `[[llm_provider]]`. */
export interface LlmProviderSpec {
  readonly id: string;
  readonly description: string;
  readonly capabilities: readonly LlmCapability[];
}

/** `[context]`: static text injected into the agent's context. */
export interface ContextSpec {
  /** Files relative to the capsule folder. */
  readonly files: readonly string[];
  readonly text?: string;
}

/** `[[skill]]`: a declarative skill, as a file or inline text. */
export interface SkillSpec {
  readonly name: string;
  readonly description: string;
  readonly file?: string;
  readonly text?: string;
}

/** `[[command]]`: a predefined command (a named prompt). */
export interface CommandSpec {
  readonly name: string;
  readonly description: string;
  readonly prompt: string;
}

/** A validated `Capsule.toml`. */
export interface CapsuleManifest {
  /** The file it came from (for messages). */
  readonly file: string;
  readonly package: PackageSpec;
  readonly component?: ComponentSpec;
  /** The request: what the capsule asks for, not what it gets. */
  readonly capabilities: CapabilitySet;
  readonly env: Readonly<Record<string, EnvSpec>>;
  readonly mcpServers: readonly McpServerSpec[];
  readonly cron: readonly CronSpec[];
  readonly interceptors: readonly InterceptorSpec[];
  readonly llmProviders: readonly LlmProviderSpec[];
  readonly context?: ContextSpec;
  readonly skills: readonly SkillSpec[];
  readonly commands: readonly CommandSpec[];
}
