/**
 * The one schema of Astrid's configuration: every key with its type, default,
 * one-line description and the rule a workspace layer (`.astrid/config.toml`,
 * which arrives with a repository and may be hostile) must obey.
 *
 * Names mirror the TOML exactly (`[policy] denied_paths` is
 * `config.policy.denied_paths`). The resolved config, the reference table in
 * the README and the `astrid init` template are all generated from here.
 *
 * @module
 */

import { z } from "zod";
import {
  booleanKind,
  enumKind,
  envNameKind,
  envNamesKind,
  type FieldKind,
  globsKind,
  intKind,
  nameKind,
  namesKind,
  numberKind,
  tableKind,
  urlKind,
} from "./field_kinds.ts";

/** Workspace modes, strictest first. */
export const WORKSPACE_MODES = ["safe", "guided", "autonomous"] as const;
/** How strict the agent is inside the workspace. */
export type WorkspaceMode = typeof WORKSPACE_MODES[number];
/** Escape policies, strictest first. */
export const ESCAPE_POLICIES = ["deny", "ask"] as const;
/** What happens when the agent reaches outside the workspace. */
export type EscapePolicy = typeof ESCAPE_POLICIES[number];
/** LLM providers Astrid speaks to (`none`: no model configured). */
export const LLM_PROVIDERS = ["none", "anthropic", "openai", "zai"] as const;
/** An LLM provider name. */
export type LlmProviderName = typeof LLM_PROVIDERS[number];

/**
 * What a workspace layer may do with a key. Every rule only ever tightens:
 * - `free`: any valid value (not security-relevant);
 * - `forbidden`: may not be set at all;
 * - `add_only`: may add entries (deny lists); lower-layer entries stay;
 * - `remove_only`: may remove entries (allow lists); additions are ignored;
 * - `lower_only`: may lower the number (an unset optional limit counts as infinite);
 * - `stricter_only`: may pick a value earlier in `order` (strictest first).
 */
export type WorkspaceRule =
  | { readonly kind: "free" }
  | { readonly kind: "forbidden"; readonly reason: string }
  | { readonly kind: "add_only" }
  | { readonly kind: "remove_only" }
  | { readonly kind: "lower_only" }
  | { readonly kind: "stricter_only"; readonly order: readonly (string | boolean)[] };

/**
 * How trusted layers (system, user, env, `--set`) combine: `replace` (the
 * higher layer wins), `merge_entries` (tables merged per entry, higher wins),
 * `append` (lists of checks accumulate).
 */
export type TrustedMerge = "replace" | "merge_entries" | "append";

/** One key of the schema. */
export interface FieldSpec<T = unknown, O extends boolean = boolean> {
  readonly kind: FieldKind<T>;
  /** `undefined` only for optional keys (`optional: true`). */
  readonly default: O extends true ? undefined : T;
  readonly optional: O;
  readonly description: string;
  readonly workspace: WorkspaceRule;
  readonly trusted: TrustedMerge;
  /** Redacted in every output and never quoted in messages. */
  readonly secret: boolean;
}

interface FieldOptions {
  workspace: WorkspaceRule;
  trusted?: TrustedMerge;
  secret?: boolean;
}

function field<T>(
  kind: FieldKind<T>,
  defaultValue: T,
  description: string,
  options: FieldOptions,
): FieldSpec<T, false> {
  return {
    kind,
    default: defaultValue,
    optional: false,
    description,
    workspace: options.workspace,
    trusted: options.trusted ?? "replace",
    secret: options.secret ?? false,
  };
}

function optionalField<T>(
  kind: FieldKind<T>,
  description: string,
  options: FieldOptions,
): FieldSpec<T, true> {
  return {
    kind,
    default: undefined,
    optional: true,
    description,
    workspace: options.workspace,
    trusted: options.trusted ?? "replace",
    secret: options.secret ?? false,
  };
}

const FREE = { kind: "free" } as const;
const ADD = { kind: "add_only" } as const;
const REMOVE = { kind: "remove_only" } as const;
const LOWER = { kind: "lower_only" } as const;
const NO_REDIRECT = {
  kind: "forbidden",
  reason: "a repository must not choose where your API key is sent",
} as const;

const modeKind = enumKind(WORKSPACE_MODES);

/** One `[[policy.examples]]` entry: a proposed tool call and the decision it must get. */
export interface PolicyExample {
  tool: string;
  args: Record<string, unknown>;
  expect: "allow" | "ask" | "deny";
  mode?: WorkspaceMode | undefined;
}

const policyExample: z.ZodType<PolicyExample> = z.strictObject({
  tool: z.string().min(1),
  args: z.record(z.string(), z.unknown()),
  expect: z.enum(["allow", "ask", "deny"]),
  mode: z.enum(WORKSPACE_MODES).optional(),
});

/** Prices of one model, in USD per million tokens. */
export interface ModelPrice {
  input_per_mtok: number;
  output_per_mtok: number;
}

const modelPrice: z.ZodType<ModelPrice> = z.strictObject({
  input_per_mtok: z.number().min(0),
  output_per_mtok: z.number().min(0),
});

/** An environment value of a config-declared MCP server: literal, or copied from Astrid's environment. */
export type McpServerEnvValue = string | { from_env: string };

/** One `[[mcp.servers]]` entry: a stdio MCP server the user declared in config. */
export interface McpServerConfig {
  id: string;
  command: string;
  args: string[];
  env: Record<string, McpServerEnvValue>;
  cwd?: string | undefined;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const mcpServerConfig: z.ZodType<McpServerConfig> = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, {
    message: 'expected a server id like "github" (lowercase letters, digits, "-" or "_")',
  }),
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  env: z.record(
    z.string().regex(ENV_NAME, { message: "expected an environment variable name" }),
    z.union([z.string(), z.strictObject({ from_env: z.string().regex(ENV_NAME) })]),
  ).default({}),
  cwd: z.string().startsWith("/", { message: "expected an absolute folder" }).optional(),
}) as unknown as z.ZodType<McpServerConfig>;
const mcpServers = z.array(mcpServerConfig).superRefine((list, ctx) => {
  const seen = new Set<string>();
  for (const s of list) {
    if (seen.has(s.id)) {
      ctx.addIssue({ code: "custom", message: `duplicate server id "${s.id}"`, input: s.id });
    }
    seen.add(s.id);
  }
});

/** Every section and key. */
export const CONFIG_SCHEMA = {
  workspace: {
    mode: field(
      modeKind,
      "safe",
      "safe: ask about everything; guided: auto-approve reads; autonomous: trust the agent inside the workspace",
      {
        workspace: { kind: "stricter_only", order: WORKSPACE_MODES },
      },
    ),
    escape_policy: field(
      enumKind(["ask", "deny"]),
      "ask",
      "What happens when the agent reaches outside the workspace: ask the user or deny",
      { workspace: { kind: "stricter_only", order: ESCAPE_POLICIES } },
    ),
    read_allowlist: field(
      globsKind("/"),
      [],
      "Path globs readable without asking, even in safe mode",
      { workspace: REMOVE },
    ),
  },
  policy: {
    blocked_commands: field(
      namesKind("command names"),
      [],
      "Commands that are always blocked (admin policy, checked before anything else)",
      { workspace: ADD },
    ),
    denied_paths: field(globsKind("/"), [], "Path globs that are always denied", {
      workspace: ADD,
    }),
    allowed_paths: field(
      globsKind("/"),
      [],
      "Path globs allowed outside the workspace without asking",
      { workspace: REMOVE },
    ),
    denied_hosts: field(globsKind("."), [], "Host globs that are always denied", {
      workspace: ADD,
    }),
    allowed_hosts: field(globsKind("."), [], "Host globs reachable without asking", {
      workspace: REMOVE,
    }),
    max_argument_bytes: field(
      intKind(1),
      1_048_576,
      "Largest tool-call argument payload accepted, in bytes",
      { workspace: LOWER },
    ),
    always_ask_tools: field(
      namesKind("tool names"),
      [],
      "Tools that always ask, even when a token or mode would allow them",
      { workspace: ADD },
    ),
    blocked_capsules: field(namesKind("capsule names"), [], "Capsules that may never load", {
      workspace: ADD,
    }),
    examples: field(
      tableKind(z.array(policyExample), "array of {tool, args, expect, mode?}"),
      [] as PolicyExample[],
      "Proposed calls and the decision (allow/ask/deny) the policy must give, as [[policy.examples]] tables",
      { workspace: ADD, trusted: "append" },
    ),
  },
  budget: {
    session_usd: field(numberKind(0, undefined, "USD"), 5.0, "Spending limit per session", {
      workspace: LOWER,
    }),
    action_usd: field(numberKind(0, undefined, "USD"), 1.0, "Spending limit per action", {
      workspace: LOWER,
    }),
    workspace_usd: optionalField(
      numberKind(0, undefined, "USD"),
      "Spending limit per workspace across sessions (unset: no workspace limit)",
      { workspace: LOWER },
    ),
    warn_ratio: field(numberKind(0, 1), 0.8, "Warn when this fraction of a budget is used", {
      workspace: LOWER,
    }),
  },
  approval: {
    timeout_secs: field(
      intKind(1),
      300,
      "Seconds to wait for an answer before the request is queued for `astrid approvals`",
      { workspace: LOWER },
    ),
    queue_ttl_secs: field(
      intKind(1),
      86_400,
      "Seconds a queued request waits for `astrid approvals` before it expires into a denial",
      { workspace: LOWER },
    ),
    always_ttl_secs: field(intKind(1), 3600, "Lifetime of an Allow Always token, in seconds", {
      workspace: LOWER,
    }),
    max_consecutive_denials: field(
      intKind(1),
      3,
      "Consecutive denials after which the session pauses",
      { workspace: LOWER },
    ),
    max_total_denials: field(intKind(1), 20, "Denials per session after which it pauses", {
      workspace: LOWER,
    }),
    token_skew_secs: field(
      intKind(0, 300),
      30,
      "Clock skew tolerated when checking token times, in seconds",
      { workspace: LOWER },
    ),
  },
  audit: {
    checkpoint_every: field(
      intKind(1),
      1000,
      "Write a signed checkpoint of the audit chain every N entries",
      { workspace: LOWER },
    ),
  },
  llm: {
    provider: field(enumKind(LLM_PROVIDERS), "none", "LLM provider (none: no model configured)", {
      workspace: NO_REDIRECT,
    }),
    model: optionalField(nameKind("string"), "Model name passed to the provider", {
      workspace: FREE,
    }),
    base_url: optionalField(urlKind(), "Provider endpoint override", { workspace: NO_REDIRECT }),
    api_key_env: optionalField(
      envNameKind(),
      "Name of the environment variable that holds the API key",
      { workspace: NO_REDIRECT },
    ),
    api_key: optionalField(
      nameKind("string (secret)"),
      "API key (prefer api_key_env; redacted in every output)",
      { workspace: NO_REDIRECT, secret: true },
    ),
    max_tokens: field(intKind(1), 4096, "Largest completion requested per call, in tokens", {
      workspace: LOWER,
    }),
    context_window: field(intKind(1), 200_000, "Context window of the model, in tokens", {
      workspace: LOWER,
    }),
    prices: field(
      tableKind(
        z.record(z.string().min(1), modelPrice),
        'table "<model>" -> {input_per_mtok, output_per_mtok}',
      ),
      {} as Record<string, ModelPrice>,
      'USD per million input and output tokens, per model, as [llm.prices."<model>"] tables',
      {
        workspace: {
          kind: "forbidden",
          reason: "a repository must not make spending look cheaper",
        },
        trusted: "merge_entries",
      },
    ),
  },
  tools: {
    bash_timeout_secs: field(intKind(1), 120, "Time limit of one bash tool call, in seconds", {
      workspace: LOWER,
    }),
    max_output_bytes: field(intKind(1), 1_048_576, "Largest tool output kept, in bytes", {
      workspace: LOWER,
    }),
    read_max_bytes: field(intKind(1), 10_485_760, "Largest file read_file will read, in bytes", {
      workspace: LOWER,
    }),
    env_allowlist: field(
      envNamesKind(),
      ["PATH", "HOME", "LANG", "LC_ALL", "TERM", "USER", "TMPDIR", "SHELL"],
      "Environment variables passed to commands the agent runs",
      { workspace: REMOVE },
    ),
  },
  agent: {
    max_steps_per_turn: field(intKind(1), 25, "Tool-call steps the agent may take per turn", {
      workspace: LOWER,
    }),
    subagent_max_depth: field(intKind(0), 2, "How deep sub-agents may nest (0: none)", {
      workspace: LOWER,
    }),
    subagent_concurrency: field(intKind(1), 3, "Sub-agents running at once", {
      workspace: LOWER,
    }),
  },
  daemon: {
    grace_period_secs: field(
      intKind(0),
      30,
      "Seconds the daemon waits for work to finish on shutdown",
      { workspace: LOWER },
    ),
  },
  mcp: {
    servers: field(
      tableKind(mcpServers, "array of {id, command, args, env, cwd?}"),
      [] as McpServerConfig[],
      "Stdio MCP servers ([[mcp.servers]] tables), offered once `astrid servers tools <id>` approves them",
      {
        workspace: { kind: "forbidden", reason: "a repository must not start programs" },
        trusted: "append",
      },
    ),
  },
  capsules: {
    production: field(
      booleanKind(),
      false,
      "Production mode: reject capsules without a BLAKE3 hash in their manifest",
      { workspace: { kind: "stricter_only", order: [true, false] } },
    ),
    memory_mb: field(intKind(1, 64), 64, "WASM memory ceiling per capsule, in MiB", {
      workspace: LOWER,
    }),
    timeout_secs: field(intKind(1, 30), 30, "Time limit per capsule call, in seconds", {
      workspace: LOWER,
    }),
  },
} as const;

/** The schema's shape. */
export type ConfigSchema = typeof CONFIG_SCHEMA;
/** A section name (`workspace`, `policy`, ...). */
export type ConfigSection = keyof ConfigSchema;

type ValueOf<F> = F extends FieldSpec<infer T, infer O> ? (O extends true ? T | undefined : T)
  : never;

// Arrays keep their mutable type so a resolved list can be passed to code
// that takes `string[]`; the object is deeply frozen at run time anyway.
type ReadonlyProps<T> = T extends (infer E)[] ? ReadonlyProps<E>[]
  : T extends object ? { readonly [K in keyof T]: ReadonlyProps<T[K]> }
  : T;

/**
 * The fully resolved configuration: every key present (optional ones may be
 * `undefined`). Deeply frozen: mutating it (even pushing to a list) throws.
 */
export type ResolvedConfig = ReadonlyProps<
  { [S in ConfigSection]: { [K in keyof ConfigSchema[S]]: ValueOf<ConfigSchema[S][K]> } }
>;

/** One key with its section, name and dotted id (`policy.denied_paths`). */
export interface ConfigField {
  readonly section: string;
  readonly key: string;
  readonly id: string;
  readonly spec: FieldSpec;
}

const FIELDS: readonly ConfigField[] = Object.entries(CONFIG_SCHEMA).flatMap((
  [section, keys],
) =>
  Object.entries(keys as Record<string, FieldSpec>).map(([key, spec]) => ({
    section,
    key,
    id: `${section}.${key}`,
    spec,
  }))
);

const BY_ID = new Map(FIELDS.map((f) => [f.id, f]));

/** Every key, in schema order. */
export function configFields(): readonly ConfigField[] {
  return FIELDS;
}

/** The key `id` (`section.key`), or `undefined`. */
export function configField(id: string): ConfigField | undefined {
  return BY_ID.get(id);
}

/** Section names, in schema order. */
export function configSections(): readonly string[] {
  return Object.keys(CONFIG_SCHEMA);
}

/** Key names of `section`, or `undefined` for an unknown section. */
export function sectionKeys(section: string): readonly string[] | undefined {
  return Object.hasOwn(CONFIG_SCHEMA, section)
    ? Object.keys(CONFIG_SCHEMA[section as ConfigSection])
    : undefined;
}
