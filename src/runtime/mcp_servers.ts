/**
 * Every MCP server Astrid may start, one list over two origins: the
 * `[[mcp_server]]`s of installed capsules (record and pins in the capsule
 * store) and the `[[mcp.servers]]` of trusted config (state in the KV under
 * `["mcp_config_servers", id]`, approved tool lists under
 * `$ASTRID_HOME/capsule-state/_config/tools/`). The CLI's `astrid servers`
 * and the daemon's capsule tools both read it, so both apply the same rules.
 *
 * Invariants:
 * - a pin is trusted only when its stored tool list still hashes to the
 *   hash kept in the KV record; otherwise it compares as "changed";
 * - a config server's approval is bound to its launch (command, arguments,
 *   environment names, folder): editing any of them asks again;
 * - a capsule whose files no longer hash to what was approved starts nothing.
 *
 * @module
 */

import { join } from "node:path";
import { AstridError, canonicalJson, cryptoRandom, randomId, utf8 } from "../core/mod.ts";
import { blake3Hex } from "../security/mod.ts";
import {
  type CapsuleRecord,
  CapsuleStore,
  capsuleTreeHash,
  mcpServerLaunch,
} from "../capsule/mod.ts";
import type { ResolvedConfig } from "../config/mod.ts";
import { type McpLaunch, type McpToolInfo, toolListHash, type ToolPin } from "../mcp/mod.ts";

/** One `[[mcp.servers]]` entry as resolved. */
export type ConfigServer = ResolvedConfig["mcp"]["servers"][number];

/** KV prefix of config servers' state. */
export const CONFIG_SERVER_PREFIX = "mcp_config_servers";

/** State of a config server (the approval). */
interface ConfigServerState {
  readonly pin: string | null;
  readonly tools: readonly string[];
  readonly enabled: boolean;
  /** Fingerprint of the launch the pin was approved for. */
  readonly launch: string | null;
}

/** One server, whatever declared it. */
export interface ServerEntry {
  readonly id: string;
  /** The capsule that declared it; absent for a config server. */
  readonly capsule?: string;
  readonly origin: "capsule" | "config";
  readonly enabled: boolean;
  /** Hash of the approved tool list, or null. */
  readonly pin: string | null;
  readonly tools: readonly string[];
  readonly command: readonly string[];
  /** Names of the environment variables it gets. */
  readonly env: readonly string[];
  /** What to start; throws an `AstridError` naming what is missing. */
  launch(): Promise<McpLaunch>;
  /** The approved list, or null (see the module invariants). */
  trustedPin(): Promise<ToolPin | null>;
  /** Record `tools` as approved (the caller audits first). */
  approve(tools: readonly McpToolInfo[], auditSeq: number): Promise<void>;
  setEnabled(enabled: boolean): Promise<void>;
}

/** Inputs for config servers. */
export interface ServerListOptions {
  /** Astrid's environment, for `{ from_env = "NAME" }` values. */
  readonly env: Readonly<Record<string, string>>;
  /** Working folder of a config server without `cwd`. */
  readonly workspace: string;
}

/** Every server; a config id that a capsule server already uses is skipped with a warning. */
export async function listServers(
  rt: { readonly kv: Deno.Kv; readonly home: string; readonly config: ResolvedConfig },
  o: ServerListOptions,
): Promise<{ servers: ServerEntry[]; warnings: string[] }> {
  const store = new CapsuleStore(rt.kv, rt.home);
  const servers: ServerEntry[] = [];
  const warnings: string[] = [];
  for (const record of await store.list()) {
    for (const s of record.servers) servers.push(capsuleEntry(store, record, s.id));
  }
  // A later (higher) layer's entry with the same id replaces an earlier one.
  const byId = new Map(rt.config.mcp.servers.map((s) => [s.id, s]));
  for (const spec of byId.values()) {
    const clash = servers.find((s) => s.id === spec.id);
    if (clash) {
      warnings.push(
        `MCP server "${spec.id}" of [[mcp.servers]] is ignored: capsule "${clash.capsule}" already declares a server with that id`,
      );
      continue;
    }
    servers.push(await configEntry(rt.kv, rt.home, spec, o));
  }
  return { servers, warnings };
}

function capsuleEntry(store: CapsuleStore, record: CapsuleRecord, id: string): ServerEntry {
  const s = record.servers.find((x) => x.id === id)!;
  const spec = record.approved.mcpServers.find((x) => x.id === id);
  return {
    id,
    capsule: record.name,
    origin: "capsule",
    enabled: s.enabled,
    pin: s.pin,
    tools: s.tools,
    command: spec ? [spec.command, ...spec.args] : [],
    env: spec?.env ?? [],
    async launch() {
      if (!spec) {
        throw new AstridError(
          "NOT_FOUND",
          `capsule "${record.name}" has no approved server "${id}"`,
        );
      }
      const dir = store.dirOf(record.name);
      const exists = await Deno.stat(dir).then((st) => st.isDirectory, () => false);
      const tree = exists ? await capsuleTreeHash(dir) : undefined;
      if (!tree?.ok || tree.hash !== record.contentHash) {
        // The program is part of what was approved: changed files do not run.
        throw new AstridError(
          "CAPSULE_LOAD_FAILED",
          `capsule "${record.name}" is ${
            exists ? "modified" : "missing"
          } on disk (its files no longer hash to ${record.contentHash}); reinstall it`,
        );
      }
      const manifest = await store.manifestOf(record.name).catch(() => undefined);
      const r = mcpServerLaunch({ kind: "mcp", capsule: record.name, server: spec }, {
        capsuleDir: store.dirOf(record.name),
        envSpecs: manifest?.env ?? {},
        values: await store.readValues(record.name),
      });
      if (!r.ok) throw new AstridError("MCP_START_FAILED", r.reason);
      return r.launch;
    },
    async trustedPin() {
      const file = await store.readPin(record.name, id).catch(() => null);
      return checkedPin(s.pin, file?.tools as McpToolInfo[] | undefined);
    },
    async approve(tools, auditSeq) {
      const current = (await store.get(record.name)) ?? record;
      await store.writePin(record.name, id, { hash: toolListHash(tools), tools } as never);
      await store.put({
        ...current,
        servers: current.servers.map((x) =>
          x.id === id ? { ...x, pin: toolListHash(tools), tools: tools.map((t) => t.name) } : x
        ),
        updatedAt: Date.now(),
        auditSeq,
      });
    },
    async setEnabled(enabled) {
      const current = (await store.get(record.name)) ?? record;
      await store.put({
        ...current,
        servers: current.servers.map((x) => x.id === id ? { ...x, enabled } : x),
        updatedAt: Date.now(),
      });
    },
  };
}

/** The launch of config server `spec`, or why it cannot start. */
export function configServerLaunch(
  spec: ConfigServer,
  o: ServerListOptions,
): { ok: true; launch: McpLaunch } | { ok: false; reason: string } {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(spec.env)) {
    if (typeof value === "string") env[name] = value;
    else {
      const v = o.env[value.from_env];
      if (v === undefined) {
        return {
          ok: false,
          reason:
            `MCP server "${spec.id}" of [[mcp.servers]] needs ${name} from the environment variable ${value.from_env}, which is not set`,
        };
      }
      env[name] = v;
    }
  }
  return {
    ok: true,
    launch: {
      server: spec.id,
      command: spec.command,
      args: spec.args,
      env,
      cwd: spec.cwd ?? o.workspace,
    },
  };
}

async function configEntry(
  kv: Deno.Kv,
  home: string,
  spec: ConfigServer,
  o: ServerListOptions,
): Promise<ServerEntry> {
  const key = [CONFIG_SERVER_PREFIX, spec.id];
  const state = (await kv.get<ConfigServerState>(key)).value ??
    { pin: null, tools: [], enabled: true, launch: null };
  const fingerprint = launchFingerprint(spec);
  // An approval given for another command line does not carry over.
  const pin = state.launch === fingerprint ? state.pin : null;
  const pinPath = join(home, "capsule-state", "_config", "tools", `${spec.id}.json`);
  return {
    id: spec.id,
    origin: "config",
    enabled: state.enabled,
    pin,
    tools: pin === null ? [] : state.tools,
    command: [spec.command, ...spec.args],
    env: Object.keys(spec.env).sort(),
    launch() {
      const r = configServerLaunch(spec, o);
      return r.ok
        ? Promise.resolve(r.launch)
        : Promise.reject(new AstridError("MCP_START_FAILED", r.reason));
    },
    async trustedPin() {
      if (pin === null) return null;
      const text = await Deno.readTextFile(pinPath).catch(() => null);
      let tools: McpToolInfo[] | undefined;
      try {
        tools = text === null ? undefined : (JSON.parse(text) as { tools: McpToolInfo[] }).tools;
      } catch {
        tools = undefined;
      }
      return checkedPin(pin, tools);
    },
    async approve(tools) {
      const hash = toolListHash(tools);
      await writePrivate(pinPath, JSON.stringify({ hash, tools }));
      const now = (await kv.get<ConfigServerState>(key)).value ?? state;
      await kv.set(key, {
        ...now,
        pin: hash,
        tools: tools.map((t) => t.name),
        launch: fingerprint,
      });
    },
    async setEnabled(enabled) {
      const now = (await kv.get<ConfigServerState>(key)).value ?? state;
      await kv.set(key, { ...now, enabled });
    },
  };
}

/** What an approval of a config server is bound to. */
function launchFingerprint(spec: ConfigServer): string {
  return `blake3:${
    blake3Hex(utf8(canonicalJson({
      command: spec.command,
      args: [...spec.args],
      env: Object.fromEntries(
        Object.entries(spec.env).map((
          [k, v],
        ) => [k, typeof v === "string" ? v : { from_env: v.from_env }]),
      ),
      cwd: spec.cwd ?? null,
    })))
  }`;
}

function checkedPin(hash: string | null, tools: McpToolInfo[] | undefined): ToolPin | null {
  if (hash === null) return null;
  if (!tools || toolListHash(tools) !== hash) {
    // A tampered or lost list compares as "changed" against the recorded hash.
    return { hash, tools: [] };
  }
  return { hash, tools };
}

async function writePrivate(path: string, text: string): Promise<void> {
  await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${randomId(cryptoRandom, 8)}.tmp`;
  await Deno.writeTextFile(tmp, text, { createNew: true, mode: 0o600 });
  try {
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}
