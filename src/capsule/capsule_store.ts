/**
 * Where installed capsules live:
 *
 * - `$ASTRID_HOME/capsules/<name>/`: the capsule's files, as approved;
 * - `$ASTRID_HOME/capsule-state/<name>/` (mode 0700): `values.json` (mode
 *   0600: the secrets and settings the human entered, read only by the host
 *   that starts the capsule's parts, never printed) and `tools/<server>.json`
 *   (each server's approved tool list);
 * - the state KV, `["capsules", <name>]`: the record (version, requested and
 *   approved capabilities, hashes, the tool-list pins).
 *
 * Invariant: a name is checked before it becomes a path, so `../x` can
 * never address anything outside these folders.
 *
 * @module
 */

import { join } from "node:path";
import { cryptoRandom, type JsonValue, randomId } from "../core/mod.ts";
import { CAPSULE_KV_PREFIX } from "./deno_capsule_kv.ts";
import type { CapabilitySet, CapsuleManifest } from "./manifest.ts";
import { parseManifest } from "./parse_manifest.ts";

/** One tool of an approved list (the JSON shape of the MCP tool info). */
export interface PinnedTool {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: { readonly [key: string]: JsonValue };
  readonly outputSchema?: { readonly [key: string]: JsonValue };
  readonly annotations?: { readonly [key: string]: JsonValue };
}

/** An approved tool list and its hash. */
export interface ServerPin {
  readonly hash: string;
  readonly tools: readonly PinnedTool[];
}

/** The state of one `[[mcp_server]]` of an installed capsule. */
export interface ServerRecord {
  readonly id: string;
  /** Hash of the approved tool list, or null while none is approved. */
  readonly pin: string | null;
  /** Names of the approved tools. */
  readonly tools: readonly string[];
  /** False after `astrid servers stop`: not offered to sessions. */
  readonly enabled: boolean;
}

/** An installed capsule. */
export interface CapsuleRecord {
  readonly name: string;
  readonly version: string;
  readonly description?: string;
  /** Where it was installed from. */
  readonly source: string;
  readonly requested: CapabilitySet;
  /** What the human approved (never more than `requested`). */
  readonly approved: CapabilitySet;
  /** {@link capsuleTreeHash} of the installed files. */
  readonly contentHash: string;
  readonly componentHash: string | null;
  /** Names of the `[env]` values stored (secrets included; values are never in the record). */
  readonly values: readonly string[];
  /** Approved servers only. */
  readonly servers: readonly ServerRecord[];
  readonly installedAt: number;
  readonly updatedAt: number;
  readonly approvedBy: string;
  /** Audit entry of the last install or upgrade. */
  readonly auditSeq: number;
}

/** KV key prefix of capsule records. */
export const CAPSULE_RECORD_PREFIX = "capsules";

const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const SERVER = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Installed capsules on disk and in the state KV. */
export class CapsuleStore {
  constructor(readonly kv: Deno.Kv, readonly home: string) {}

  /** `$home/capsules`. */
  get root(): string {
    return join(this.home, "capsules");
  }

  /** Folder of capsule `name`'s files. */
  dirOf(name: string): string {
    return join(this.root, checkName(name));
  }

  /** Folder of capsule `name`'s private state (values, tool lists). */
  stateDirOf(name: string): string {
    return join(this.home, "capsule-state", checkName(name));
  }

  async get(name: string): Promise<CapsuleRecord | null> {
    const e = await this.kv.get<CapsuleRecord>([CAPSULE_RECORD_PREFIX, checkName(name)]);
    return e.value ?? null;
  }

  /** Every installed capsule, by name. */
  async list(): Promise<CapsuleRecord[]> {
    const out: CapsuleRecord[] = [];
    for await (const e of this.kv.list<CapsuleRecord>({ prefix: [CAPSULE_RECORD_PREFIX] })) {
      out.push(e.value);
    }
    return out.sort((a, b) => a.name < b.name ? -1 : 1);
  }

  async put(record: CapsuleRecord): Promise<void> {
    await this.kv.set([CAPSULE_RECORD_PREFIX, checkName(record.name)], record);
  }

  /** The installed manifest of `name`. */
  async manifestOf(name: string): Promise<CapsuleManifest> {
    const file = join(this.dirOf(name), "Capsule.toml");
    return parseManifest(await Deno.readTextFile(file), file);
  }

  /** The stored `[env]` values of `name` (empty when none). */
  async readValues(name: string): Promise<Record<string, string>> {
    try {
      const parsed = JSON.parse(
        await Deno.readTextFile(join(this.stateDirOf(name), "values.json")),
      ) as unknown;
      const out: Record<string, string> = {};
      if (typeof parsed === "object" && parsed !== null) {
        for (const [k, v] of Object.entries(parsed)) if (typeof v === "string") out[k] = v;
      }
      return out;
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return {};
      throw e;
    }
  }

  /** Replace the stored values of `name` (file mode 0600, written atomically). */
  async writeValues(name: string, values: Readonly<Record<string, string>>): Promise<void> {
    await this.#writePrivate(name, "values.json", JSON.stringify(values));
  }

  /** The approved tool list of `server`, or null. */
  async readPin(name: string, server: string): Promise<ServerPin | null> {
    try {
      const text = await Deno.readTextFile(join(this.stateDirOf(name), "tools", pinFile(server)));
      return JSON.parse(text) as ServerPin;
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return null;
      throw e;
    }
  }

  /** Store the approved tool list of `server` (the record keeps its hash). */
  async writePin(name: string, server: string, pin: ServerPin): Promise<void> {
    await this.#writePrivate(name, `tools/${pinFile(server)}`, JSON.stringify(pin));
  }

  /** A new, empty folder next to the installed capsules (same file system, for the swap). */
  async newStaging(): Promise<string> {
    await Deno.mkdir(this.root, { recursive: true, mode: 0o755 });
    const dir = join(this.root, `.staging-${randomId(cryptoRandom, 8)}`);
    return dir;
  }

  /** Move `staging` into place as capsule `name`, replacing an older copy. */
  async commitFiles(name: string, staging: string): Promise<void> {
    const dir = this.dirOf(name);
    const trash = join(this.root, `.trash-${randomId(cryptoRandom, 8)}`);
    let moved = false;
    try {
      await Deno.rename(dir, trash);
      moved = true;
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    await Deno.rename(staging, dir);
    if (moved) await Deno.remove(trash, { recursive: true });
  }

  /** Delete everything of `name`: record, files, private state and its KV namespace. */
  async remove(name: string): Promise<void> {
    await this.kv.delete([CAPSULE_RECORD_PREFIX, checkName(name)]);
    const ops: Promise<void>[] = [];
    for await (const e of this.kv.list({ prefix: [CAPSULE_KV_PREFIX, name] })) {
      ops.push(this.kv.delete(e.key));
    }
    await Promise.all(ops);
    for (const dir of [this.dirOf(name), this.stateDirOf(name)]) {
      await Deno.remove(dir, { recursive: true }).catch((e) => {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      });
    }
  }

  async #writePrivate(name: string, rel: string, text: string): Promise<void> {
    const path = join(this.stateDirOf(name), rel);
    const dir = path.slice(0, path.lastIndexOf("/"));
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    const tmp = `${path}.${randomId(cryptoRandom, 8)}.tmp`;
    // A new file gets mode 0600 at creation: the value is never readable by others, not even briefly.
    await Deno.writeTextFile(tmp, text, { createNew: true, mode: 0o600 });
    try {
      await Deno.rename(tmp, path);
    } catch (e) {
      await Deno.remove(tmp).catch(() => {});
      throw e;
    }
  }
}

function checkName(name: string): string {
  if (!NAME.test(name)) {
    throw new RangeError(
      `"${name}" is not a capsule name; expected lowercase letters, digits, "-" or "_"`,
    );
  }
  return name;
}

function pinFile(server: string): string {
  if (!SERVER.test(server)) throw new RangeError(`"${server}" is not an MCP server id`);
  return `${server}.json`;
}
