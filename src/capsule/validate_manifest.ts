/**
 * Parsed TOML -> {@link CapsuleManifest}, or every problem found. Pure: the
 * same data always gives the same answer, and nothing is read or run.
 *
 * @module
 */

import { globError } from "../security/mod.ts";
import { ManifestReader, type Table } from "./_manifest_reader.ts";
import { parseCronSchedule } from "./cron_schedule.ts";
import type {
  CapsuleManifest,
  CommandSpec,
  ComponentSpec,
  ContextSpec,
  CronSpec,
  EnvSpec,
  InterceptorEvent,
  InterceptorSpec,
  LlmCapability,
  LlmProviderSpec,
  McpServerSpec,
  PackageSpec,
  SecretInjection,
  SkillSpec,
} from "./manifest.ts";
import { INTERCEPTOR_EVENTS, LLM_CAPABILITIES } from "./manifest.ts";
import type { ManifestProblem } from "./manifest_error.ts";
import { parseNetGrant } from "./net_grant.ts";

/** Result of {@link validateManifest}. */
export type ManifestResult =
  | { readonly ok: true; readonly manifest: CapsuleManifest }
  | { readonly ok: false; readonly problems: readonly ManifestProblem[] };

const TOP = [
  "package",
  "component",
  "capabilities",
  "env",
  "mcp_server",
  "cron",
  "interceptor",
  "llm_provider",
  "context",
  "skill",
  "command",
];
/** The keys `[capabilities]` accepts. */
export const CAPABILITY_KEYS = ["net", "fs_read", "fs_write", "kv"] as const;

const ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const ENV_NAME = /^[A-Z_][A-Z0-9_]{0,63}$/;
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;
const HASH = /^blake3:[0-9a-f]{64}$/;
const EXPORT_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const ACTION = /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/;
const HEADER = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;
const FORBIDDEN_HEADERS = ["host", "content-length", "transfer-encoding", "connection", "cookie"];

const pattern = (re: RegExp, expected: string) => (s: string) =>
  re.test(s) ? undefined : `"${s}" is not valid; expected ${expected}`;
const idCheck = pattern(ID, 'lowercase letters, digits, "-" or "_" (at most 64)');

/** Validate parsed TOML `data` from `file`; `lines` maps keys to lines for messages. */
export function validateManifest(
  data: unknown,
  file: string,
  lines: ReadonlyMap<string, number> = new Map(),
): ManifestResult {
  const r = new ManifestReader(file, lines);
  const doc = r.table(data, "", TOP);
  if (!doc) return { ok: false, problems: r.problems };
  const pkg = readPackage(r, doc);
  const component = doc.component === undefined ? undefined : readComponent(r, doc.component);
  const caps = doc.capabilities === undefined
    ? undefined
    : r.table(doc.capabilities, "capabilities", CAPABILITY_KEYS);
  const net = caps ? r.strings(caps, "net", "capabilities", netCheck) : [];
  const fsRead = caps ? r.strings(caps, "fs_read", "capabilities", fsGlobCheck) : [];
  const fsWrite = caps ? r.strings(caps, "fs_write", "capabilities", fsGlobCheck) : [];
  const kv = caps ? r.boolean(caps, "kv", "capabilities", false) : false;
  const env = readEnv(r, doc.env, net);
  const mcpServers = readMcpServers(r, doc.mcp_server, env);
  const cron = readCron(r, doc.cron);
  const interceptors = readInterceptors(r, doc.interceptor);
  const llmProviders = readLlmProviders(r, doc.llm_provider);
  const context = doc.context === undefined ? undefined : readContext(r, doc.context);
  const skills = readSkills(r, doc.skill);
  const commands = readCommands(r, doc.command);
  if (!component) {
    if (interceptors.length > 0) r.problem("interceptor", "needs a [component] to run its handler");
    if (llmProviders.length > 0) {
      r.problem("llm_provider", "needs a [component] that implements it");
    }
  }
  if (r.problems.length > 0 || !pkg) return { ok: false, problems: r.problems };
  return {
    ok: true,
    manifest: {
      file,
      package: pkg,
      ...(component ? { component } : {}),
      capabilities: {
        net,
        fsRead,
        fsWrite,
        kv,
        mcpServers,
        interceptors: [...new Set(interceptors.map((i) => i.event))],
      },
      env,
      mcpServers,
      cron,
      interceptors,
      llmProviders,
      ...(context ? { context } : {}),
      skills,
      commands,
    },
  };
}

function readPackage(r: ManifestReader, doc: Table): PackageSpec | undefined {
  if (doc.package === undefined) {
    r.problem("package", "missing; expected a [package] table with name and version");
    return undefined;
  }
  const t = r.table(doc.package, "package", ["name", "version", "description"]);
  if (!t) return undefined;
  const name = r.string(t, "name", "package", { required: true, check: idCheck });
  const version = r.string(t, "version", "package", {
    required: true,
    check: pattern(SEMVER, "a semantic version such as 1.0.0"),
  });
  const description = r.string(t, "description", "package", { max: 1000 });
  if (name === undefined || version === undefined) return undefined;
  return description === undefined ? { name, version } : { name, version, description };
}

function readComponent(r: ManifestReader, value: unknown): ComponentSpec | undefined {
  const t = r.table(value, "component", ["entrypoint", "hash"]);
  if (!t) return undefined;
  const entrypoint = r.string(t, "entrypoint", "component", {
    required: true,
    check: (s) =>
      relativePathProblem(s) ?? (s.endsWith(".wasm") ? undefined : `"${s}" must end in .wasm`),
  });
  const hash = r.string(t, "hash", "component", {
    check: (s) =>
      HASH.test(s)
        ? undefined
        : `"${s}" is not a hash; expected "blake3:" and 64 lowercase hex digits`,
  });
  if (entrypoint === undefined) return undefined;
  return hash === undefined ? { entrypoint } : { entrypoint, hash };
}

function readEnv(
  r: ManifestReader,
  value: unknown,
  net: readonly string[],
): Record<string, EnvSpec> {
  const out: Record<string, EnvSpec> = Object.create(null);
  if (value === undefined) return out;
  const t = r.table(value, "env", null);
  if (!t) return out;
  for (const [name, spec] of Object.entries(t)) {
    const key = `env.${name}`;
    if (!ENV_NAME.test(name)) {
      r.problem(key, `"${name}" is not an environment variable name; expected A-Z, 0-9, "_"`);
      continue;
    }
    const e = r.table(spec, key, ["type", "request", "default", "inject"]);
    if (!e) continue;
    const type = r.string(e, "type", key, {
      required: true,
      check: (s) =>
        s === "secret" || s === "string" ? undefined : `"${s}" is not "secret" or "string"`,
    });
    const request = r.string(e, "request", key, {
      required: true,
      max: 1000,
      check: (s) => s.trim() === "" ? "must say what to enter" : undefined,
    });
    if (type === undefined || request === undefined) continue;
    if (type === "string") {
      if (e.inject !== undefined) r.problem(`${key}.inject`, 'only a "secret" can be injected');
      const def = r.string(e, "default", key);
      out[name] = def === undefined ? { type, request } : { type, request, default: def };
      continue;
    }
    if (e.default !== undefined) r.problem(`${key}.default`, "a secret cannot have a default");
    const inject = e.inject === undefined ? undefined : readInjection(r, e.inject, key, net);
    out[name] = inject ? { type: "secret", request, inject } : { type: "secret", request };
  }
  return out;
}

function readInjection(
  r: ManifestReader,
  value: unknown,
  envKey: string,
  net: readonly string[],
): SecretInjection | undefined {
  const key = `${envKey}.inject`;
  const t = r.table(value, key, ["host", "header", "prefix"]);
  if (!t) return undefined;
  const host = r.string(t, "host", key, {
    required: true,
    check: (s) =>
      net.some((g) => g === s || g.startsWith(`${s}:`))
        ? undefined
        : `"${s}" is not a host in capabilities.net; a secret goes only to a requested host`,
  });
  const header = r.string(t, "header", key, {
    required: true,
    check: (s) =>
      !HEADER.test(s)
        ? `"${s}" is not an HTTP header name`
        : FORBIDDEN_HEADERS.includes(s.toLowerCase())
        ? `"${s}" is managed by the host and cannot carry a secret`
        : undefined,
  });
  const prefix = r.string(t, "prefix", key, {
    max: 64,
    check: (s) => /[\r\n\0]/.test(s) ? "must not contain line breaks or NUL" : undefined,
  }) ?? "";
  if (host === undefined || header === undefined) return undefined;
  return { host, header, prefix };
}

function readMcpServers(
  r: ManifestReader,
  value: unknown,
  env: Readonly<Record<string, EnvSpec>>,
): McpServerSpec[] {
  const out: McpServerSpec[] = [];
  r.tables(value, "mcp_server", ["id", "type", "command", "args", "env"]).forEach((t, i) => {
    const key = `mcp_server[${i}]`;
    const id = r.string(t, "id", key, { required: true, check: idCheck });
    const type = r.string(t, "type", key, {
      required: true,
      check: (s) => s === "stdio" ? undefined : `"${s}" is not supported; expected "stdio"`,
    });
    const command = r.string(t, "command", key, {
      required: true,
      check: (s) => s.trim() === "" || s.includes("\0") ? "expected a program name" : undefined,
    });
    const args = r.strings(
      t,
      "args",
      key,
      (s) => s.includes("\0") ? "contains a NUL byte" : undefined,
      { unique: false },
    );
    const names = r.strings(
      t,
      "env",
      key,
      (s) => s in env ? undefined : `"${s}" is not declared in [env]; declare it as [env.${s}]`,
    );
    if (id !== undefined && out.some((s) => s.id === id)) {
      r.problem(`${key}.id`, `"${id}" is used by another [[mcp_server]]`);
    } else if (id !== undefined && type === "stdio" && command !== undefined) {
      out.push({ id, type, command, args, env: names });
    }
  });
  return out;
}

function readCron(r: ManifestReader, value: unknown): CronSpec[] {
  const out: CronSpec[] = [];
  r.tables(value, "cron", ["name", "schedule", "action"]).forEach((t, i) => {
    const key = `cron[${i}]`;
    const name = r.string(t, "name", key, { required: true, check: idCheck });
    const schedule = r.string(t, "schedule", key, {
      required: true,
      check: (s) => {
        const p = parseCronSchedule(s);
        return p.ok ? undefined : p.reason;
      },
    });
    const action = r.string(t, "action", key, {
      required: true,
      check: pattern(ACTION, 'an action name such as "astrid.github.sync"'),
    });
    if (name !== undefined && out.some((c) => c.name === name)) {
      r.problem(`${key}.name`, `"${name}" is used by another [[cron]]`);
    } else if (name !== undefined && schedule !== undefined && action !== undefined) {
      out.push({ name, schedule, action });
    }
  });
  return out;
}

function readInterceptors(r: ManifestReader, value: unknown): InterceptorSpec[] {
  const out: InterceptorSpec[] = [];
  r.tables(value, "interceptor", ["event", "handler"]).forEach((t, i) => {
    const key = `interceptor[${i}]`;
    const event = r.string(t, "event", key, {
      required: true,
      check: (s) =>
        (INTERCEPTOR_EVENTS as readonly string[]).includes(s)
          ? undefined
          : `"${s}" is not an event; expected one of: ${INTERCEPTOR_EVENTS.join(", ")}`,
    }) as InterceptorEvent | undefined;
    const handler = r.string(t, "handler", key, {
      check: pattern(EXPORT_NAME, "the name of an exported WASM function"),
    });
    if (event !== undefined) out.push({ event, handler: handler ?? snakeCase(event) });
  });
  return out;
}

function readLlmProviders(r: ManifestReader, value: unknown): LlmProviderSpec[] {
  const out: LlmProviderSpec[] = [];
  r.tables(value, "llm_provider", ["id", "description", "capabilities"]).forEach((t, i) => {
    const key = `llm_provider[${i}]`;
    const id = r.string(t, "id", key, {
      required: true,
      check: pattern(/^[a-z0-9][a-z0-9._-]{0,127}$/, 'lowercase letters, digits, ".", "-" or "_"'),
    });
    const description = r.string(t, "description", key, { required: true, max: 1000 });
    const capabilities = r.strings(
      t,
      "capabilities",
      key,
      (s) =>
        (LLM_CAPABILITIES as readonly string[]).includes(s)
          ? undefined
          : `"${s}" is not a provider capability; expected one of: ${LLM_CAPABILITIES.join(", ")}`,
    ) as LlmCapability[];
    if (id !== undefined && out.some((p) => p.id === id)) {
      r.problem(`${key}.id`, `"${id}" is used by another [[llm_provider]]`);
    } else if (id !== undefined && description !== undefined) {
      out.push({ id, description, capabilities });
    }
  });
  return out;
}

function readContext(r: ManifestReader, value: unknown): ContextSpec | undefined {
  const t = r.table(value, "context", ["files", "text"]);
  if (!t) return undefined;
  const files = r.strings(t, "files", "context", relativePathProblem);
  const text = r.string(t, "text", "context", { max: 65536 });
  return text === undefined ? { files } : { files, text };
}

function readSkills(r: ManifestReader, value: unknown): SkillSpec[] {
  const out: SkillSpec[] = [];
  r.tables(value, "skill", ["name", "description", "file", "text"]).forEach((t, i) => {
    const key = `skill[${i}]`;
    const name = r.string(t, "name", key, { required: true, check: idCheck });
    const description = r.string(t, "description", key, { required: true, max: 1000 });
    const file = r.string(t, "file", key, { check: relativePathProblem });
    const text = r.string(t, "text", key, { max: 65536 });
    if ((t.file === undefined) === (t.text === undefined)) {
      r.problem(key, "expected exactly one of file or text");
      return;
    }
    if (name !== undefined && out.some((s) => s.name === name)) {
      r.problem(`${key}.name`, `"${name}" is used by another [[skill]]`);
    } else if (name !== undefined && description !== undefined && (file ?? text) !== undefined) {
      out.push(
        file !== undefined ? { name, description, file } : { name, description, text: text! },
      );
    }
  });
  return out;
}

function readCommands(r: ManifestReader, value: unknown): CommandSpec[] {
  const out: CommandSpec[] = [];
  r.tables(value, "command", ["name", "description", "prompt"]).forEach((t, i) => {
    const key = `command[${i}]`;
    const name = r.string(t, "name", key, {
      required: true,
      check: pattern(
        /^[a-z][a-z0-9-]{0,63}$/,
        'lowercase letters, digits and "-", starting with a letter',
      ),
    });
    const description = r.string(t, "description", key, { required: true, max: 1000 });
    const prompt = r.string(t, "prompt", key, { required: true, max: 65536 });
    if (name !== undefined && out.some((c) => c.name === name)) {
      r.problem(`${key}.name`, `"${name}" is used by another [[command]]`);
    } else if (name !== undefined && description !== undefined && prompt !== undefined) {
      out.push({ name, description, prompt });
    }
  });
  return out;
}

/** A path inside the capsule folder: relative, no `..`, no backslash or NUL. */
function relativePathProblem(s: string): string | undefined {
  if (s === "") return "empty path";
  if (s.includes("\0")) return "contains a NUL byte";
  if (s.includes("\\")) return `"${s}" contains a backslash; use "/"`;
  if (s.startsWith("/")) return `"${s}" is absolute; expected a path inside the capsule folder`;
  if (s.split("/").includes("..")) return `"${s}" climbs out of the capsule folder with ".."`;
  return undefined;
}

function netCheck(s: string): string | undefined {
  const p = parseNetGrant(s);
  return p.ok ? undefined : p.reason;
}

function fsGlobCheck(s: string): string | undefined {
  if (s.includes("\0")) return "contains a NUL byte";
  if (s.includes("\\")) return `"${s}" contains a backslash, which is not supported`;
  if (s.startsWith("~")) return `"${s}" starts with "~"; write the path relative to the workspace`;
  if (s.split("/").includes("..")) return `"${s}" contains "..", which could climb anywhere`;
  const bad = globError(s);
  return bad === undefined ? undefined : `"${s}" is not a valid glob: ${bad}`;
}

function snakeCase(event: string): string {
  return event.replace(/([a-z])([A-Z])/g, "$1_$2").toLowerCase();
}
