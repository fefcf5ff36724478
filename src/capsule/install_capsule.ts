/**
 * `astrid capsule install`, as a function of its ports: stage and check the
 * capsule, show what it asks for, get the human's approval, take the values
 * it needs, start each approved MCP server once to read and pin its tool
 * list, record the decision in the audit log, then move the files into
 * place and store the record.
 *
 * Invariants:
 * - a refusal (or any failure) before the commit leaves nothing installed:
 *   the staging folder is removed and an existing install is untouched;
 * - only approved capabilities are stored as approved; an upgrade keeps an
 *   earlier approval only for items that are byte-for-byte the same (an MCP
 *   server by its whole command line), everything new is asked again;
 * - a server's tool list is approved when pinned; a list that differs from
 *   the pinned one is shown as a change and asked again;
 * - values are taken only for names an approved part uses; secrets are
 *   asked without echo, stored in a 0600 file and never shown again;
 * - the audit entry is appended before the files move: an install that
 *   happened is on the record.
 *
 * @module
 */

import { AstridError, canonicalJson, type Clock, type JsonValue } from "../core/mod.ts";
import type { AuditDraft } from "../security/mod.ts";
import { capabilityDiff, intersectCapabilities, NO_CAPABILITIES } from "./capabilities.ts";
import { capabilityItems, describeCapabilities, selectCapabilities } from "./capability_items.ts";
import type {
  CapsuleRecord,
  CapsuleStore,
  PinnedTool,
  ServerPin,
  ServerRecord,
} from "./capsule_store.ts";
import type { CapabilitySet, CapsuleManifest } from "./manifest.ts";
import { type McpServerLaunch, mcpServerLaunch } from "./mcp_engine.ts";
import { stageCapsule, type StagedCapsule } from "./stage_capsule.ts";

/** How the install talks to the human. */
export interface InstallPrompt {
  /** Show information (the CLI writes it to stderr). */
  show(text: string): void;
  /** A yes/no question; no answer counts as no. */
  confirm(question: string): Promise<boolean>;
  /** Ask for a value; `secret` answers are not echoed. `null`: no answer. */
  ask(question: string, options: { secret: boolean }): Promise<string | null>;
}

/** What starting a server once found. */
export interface ServerInspection {
  /** `blake3:<hex>` of the tool list (the MCP concern's `toolListHash`). */
  readonly hash: string;
  readonly tools: readonly PinnedTool[];
}

/** Where the audit entry goes. */
export interface AuditSink {
  append(draft: AuditDraft): Promise<{ readonly seq: number }>;
}

/** Ports and settings of {@link installCapsule}. */
export interface InstallDeps {
  readonly store: CapsuleStore;
  readonly audit: AuditSink;
  readonly prompt: InstallPrompt;
  /** Who approves (for the audit log). */
  readonly principal: string;
  /** `[capsules] production`: a component without a hash is refused. */
  readonly production: boolean;
  readonly clock: Clock;
  /** Start the server once, read its tool list, stop it. */
  inspectServer(launch: McpServerLaunch): Promise<ServerInspection>;
  /**
   * Decided on the command line, so nothing is asked: `"all"` (`--yes`)
   * approves the whole request and the tool lists; a list (`--approve`)
   * approves those items (plus an earlier approval of unchanged items).
   */
  readonly preApproved?: "all" | readonly string[];
  /** Why `policy.blocked_capsules` refuses capsule `name`, or undefined. */
  blocked?(name: string): string | undefined;
}

/** What the install did. */
export type InstallOutcome =
  | {
    readonly kind: "installed";
    readonly record: CapsuleRecord;
    /** The version replaced, for an upgrade. */
    readonly previousVersion?: string;
  }
  | { readonly kind: "refused"; readonly reason: string; readonly auditSeq: number };

/** Install (or upgrade) the capsule at `source`. */
export async function installCapsule(source: string, deps: InstallDeps): Promise<InstallOutcome> {
  const { store } = deps;
  const staging = await store.newStaging();
  try {
    const staged = await stageCapsule(source, staging, { production: deps.production });
    const m = staged.manifest;
    const name = m.package.name;
    const refuse = async (reason: string): Promise<InstallOutcome> => {
      const entry = await deps.audit.append({
        sessionId: "-",
        principal: deps.principal,
        kind: "event",
        decision: "deny",
        stage: "approval",
        summary: `Capsule ${name} ${m.package.version} not installed: ${reason}`,
        proof: { reason },
        detail: { capsule: name, version: m.package.version, source },
      });
      return { kind: "refused", reason, auditSeq: entry.seq };
    };
    const blocked = deps.blocked?.(name);
    if (blocked !== undefined) return await refuse(blocked);
    const previous = await store.get(name);
    await checkServerIds(store, m);

    deps.prompt.show(describeRequest(source, staged, previous));
    const approved = await decideCapabilities(m, previous, deps);
    if (!approved.ok) return await refuse(approved.reason);

    const oldValues = previous ? await store.readValues(name) : {};
    const values = await takeValues(m, approved.set, oldValues, deps.prompt);
    if (!values.ok) return await refuse(values.reason);

    const pins = new Map<string, ServerPin>();
    const changes: Record<string, JsonValue> = {};
    for (const server of approved.set.mcpServers) {
      const launch = mcpServerLaunch({ kind: "mcp", capsule: name, server }, {
        capsuleDir: staging,
        envSpecs: m.env,
        values: values.values,
      });
      if (!launch.ok) throw new AstridError("CAPSULE_INSTALL_FAILED", launch.reason);
      const found = await deps.inspectServer(launch.launch);
      const before = previous ? await store.readPin(name, server.id) : null;
      if (before && before.hash === found.hash) {
        pins.set(server.id, before);
        continue;
      }
      const change = before ? describeToolChange(before.tools, found.tools) : [];
      if (before) changes[server.id] = { from: before.hash, to: found.hash, change };
      deps.prompt.show(describeTools(server.id, found, change));
      if (deps.preApproved === undefined) {
        const question = before
          ? `The tools of server "${server.id}" changed since you approved them. Allow the new list?`
          : `Allow these ${found.tools.length} tools of server "${server.id}"?`;
        if (!await deps.prompt.confirm(`${question} [y/N] `)) {
          return await refuse(`the tool list of MCP server "${server.id}" was not approved`);
        }
      }
      pins.set(server.id, { hash: found.hash, tools: found.tools });
    }

    const now = deps.clock.now();
    const servers: ServerRecord[] = approved.set.mcpServers.map((s) => {
      const pin = pins.get(s.id)!;
      return {
        id: s.id,
        pin: pin.hash,
        tools: pin.tools.map((t) => t.name),
        enabled: previous?.servers.find((p) => p.id === s.id)?.enabled ?? true,
      };
    });
    const entry = await deps.audit.append({
      sessionId: "-",
      principal: deps.principal,
      kind: "event",
      decision: "allow",
      stage: "approval",
      summary: previous
        ? `Upgrade capsule ${name} ${previous.version} -> ${m.package.version}`
        : `Install capsule ${name} ${m.package.version}`,
      proof: { via: deps.preApproved === undefined ? "prompt" : "command_line" },
      detail: {
        capsule: name,
        version: m.package.version,
        source,
        contentHash: staged.contentHash,
        componentHash: staged.componentHash,
        requested: capabilityItems(m.capabilities),
        approved: capabilityItems(approved.set),
        servers: Object.fromEntries(servers.map((s) => [s.id, s.pin])),
        values: Object.keys(values.values).sort(),
        ...(Object.keys(changes).length > 0 ? { toolListChanges: changes } : {}),
      },
    });
    const record: CapsuleRecord = {
      name,
      version: m.package.version,
      ...(m.package.description !== undefined ? { description: m.package.description } : {}),
      source,
      requested: m.capabilities,
      approved: approved.set,
      contentHash: staged.contentHash,
      componentHash: staged.componentHash,
      values: Object.keys(values.values).sort(),
      servers,
      installedAt: previous?.installedAt ?? now,
      updatedAt: now,
      approvedBy: deps.principal,
      auditSeq: entry.seq,
    };
    try {
      await store.commitFiles(name, staging);
      await store.writeValues(name, values.values);
      for (const [id, pin] of pins) await store.writePin(name, id, pin);
      await store.put(record);
    } catch (e) {
      // The approval is on the record; so is the install that did not complete.
      await deps.audit.append({
        sessionId: "-",
        principal: deps.principal,
        kind: "outcome",
        summary: `Capsule ${name} ${m.package.version} was not installed completely`,
        outcome: { ok: false, error: (e as Error).message },
        links: { decisionSeq: entry.seq },
        detail: { capsule: name },
      }).catch(() => {});
      throw e;
    }
    return previous
      ? { kind: "installed", record, previousVersion: previous.version }
      : { kind: "installed", record };
  } finally {
    await Deno.remove(staging, { recursive: true }).catch(() => {});
  }
}

/** A server id names tools (`mcp:<id>:<tool>`): two capsules cannot both use one. */
async function checkServerIds(store: CapsuleStore, m: CapsuleManifest): Promise<void> {
  const others = (await store.list()).filter((r) => r.name !== m.package.name);
  for (const s of m.mcpServers) {
    const owner = others.find((r) => r.requested.mcpServers.some((x) => x.id === s.id));
    if (owner) {
      throw new AstridError(
        "CAPSULE_INSTALL_FAILED",
        `MCP server id "${s.id}" is already used by capsule "${owner.name}"; ` +
          "tools are named mcp:<server>:<tool>, so server ids must be unique",
      );
    }
  }
}

type Decided = { ok: true; set: CapabilitySet } | { ok: false; reason: string };

async function decideCapabilities(
  m: CapsuleManifest,
  previous: CapsuleRecord | null,
  deps: InstallDeps,
): Promise<Decided> {
  const carried = previous
    ? intersectCapabilities(m.capabilities, previous.approved)
    : NO_CAPABILITIES;
  if (deps.preApproved === "all") return { ok: true, set: m.capabilities };
  if (deps.preApproved !== undefined) {
    const picked = selectCapabilities(m.capabilities, [
      ...capabilityItems(carried),
      ...deps.preApproved,
    ]);
    if (!picked.ok) {
      throw new AstridError("CAPSULE_INSTALL_FAILED", `--approve: ${picked.reason}`);
    }
    return { ok: true, set: picked.set };
  }
  const question = previous
    ? `Upgrade ${m.package.name} ${previous.version} -> ${m.package.version} with these capabilities?`
    : `Install ${m.package.name} ${m.package.version} with these capabilities?`;
  return await deps.prompt.confirm(`${question} [y/N] `)
    ? { ok: true, set: m.capabilities }
    : { ok: false, reason: "the capabilities were not approved" };
}

type Values = { ok: true; values: Record<string, string> } | { ok: false; reason: string };

/** Ask for the values approved parts use; keep the ones stored by an earlier install. */
async function takeValues(
  m: CapsuleManifest,
  approved: CapabilitySet,
  old: Readonly<Record<string, string>>,
  prompt: InstallPrompt,
): Promise<Values> {
  const needed = neededValues(m, approved);
  const values: Record<string, string> = {};
  for (const name of needed) {
    const spec = m.env[name]!;
    const kept = old[name];
    if (kept !== undefined) {
      values[name] = kept;
      continue;
    }
    if (spec.type === "secret") {
      const v = await prompt.ask(`${spec.request} (${name}, input hidden): `, { secret: true });
      if (v === null) return { ok: false, reason: `no value was entered for secret ${name}` };
      if (v !== "") values[name] = v;
    } else {
      const def = spec.default;
      const v = await prompt.ask(
        `${spec.request} (${name}${def !== undefined ? `, default "${def}"` : ""}): `,
        { secret: false },
      );
      const value = v === null || v === "" ? def : v;
      if (value !== undefined) values[name] = value;
    }
  }
  return { ok: true, values };
}

/** `[env]` names an approved part uses, sorted. */
function neededValues(m: CapsuleManifest, approved: CapabilitySet): string[] {
  const names = new Set<string>();
  for (const s of approved.mcpServers) s.env.forEach((n) => names.add(n));
  if (m.component) {
    const hosts = approved.net.map((g) => g.replace(/:\d+$/, ""));
    for (const [name, spec] of Object.entries(m.env)) {
      if (spec.type === "string") names.add(name);
      else if (spec.inject && hosts.includes(spec.inject.host)) names.add(name);
    }
  }
  return [...names].sort();
}

function describeRequest(
  source: string,
  staged: StagedCapsule,
  previous: CapsuleRecord | null,
): string {
  const m = staged.manifest;
  const lines = [
    "",
    `Capsule ${m.package.name} ${m.package.version}${
      previous ? ` (upgrade from ${previous.version})` : ""
    }${m.package.description ? `: ${m.package.description}` : ""}`,
    `  from ${source}`,
    `  ${staged.files} files, ${staged.bytes} bytes, content ${staged.contentHash}`,
  ];
  if (staged.componentHash) {
    lines.push(`  component ${m.component!.entrypoint} ${staged.componentHash}`);
  }
  const asked = describeCapabilities(
    m.capabilities,
    previous ? capabilityDiff(previous.approved, m.capabilities).added : undefined,
  );
  lines.push("", asked.length > 0 ? "It asks for:" : "It asks for no capabilities.", ...asked);
  const secrets = Object.entries(m.env).filter(([, s]) => s.type === "secret");
  if (secrets.length > 0) {
    lines.push(
      "",
      "Secrets (entered without echo, stored in a private file, used only by reference):",
      ...secrets.map(([n, s]) =>
        `  ${n}: ${s.request}${
          s.type === "secret" && s.inject
            ? ` (sent only to ${s.inject.host} as ${s.inject.header})`
            : ""
        }`
      ),
    );
  }
  const statics = [
    ...(m.context
      ? [`context (${m.context.files.length} files${m.context.text ? " + text" : ""})`]
      : []),
    ...(m.skills.length > 0 ? [`${m.skills.length} skills`] : []),
    ...(m.commands.length > 0 ? [`${m.commands.length} commands`] : []),
  ];
  if (statics.length > 0) lines.push("", `It adds to the agent's context: ${statics.join(", ")}.`);
  if (m.cron.length > 0) {
    lines.push("", "Scheduled:", ...m.cron.map((c) => `  ${c.name}: ${c.schedule} -> ${c.action}`));
  }
  return `${lines.join("\n")}\n`;
}

function describeTools(server: string, found: ServerInspection, change: string[]): string {
  const lines = [
    "",
    `MCP server "${server}" offers ${found.tools.length} tools (list ${found.hash}):`,
    ...found.tools.map((t) => `  mcp:${server}:${t.name}  ${firstLine(t.description)}`),
  ];
  if (change.length > 0) {
    lines.push("", "Changed since the approved list:", ...change.map((c) => `  ${c}`));
  }
  return `${lines.join("\n")}\n`;
}

function describeToolChange(before: readonly PinnedTool[], after: readonly PinnedTool[]): string[] {
  const key = (t: PinnedTool) => canonicalJson(t);
  const old = new Map(before.map((t) => [t.name, key(t)]));
  const now = new Map(after.map((t) => [t.name, key(t)]));
  return [
    ...[...now.keys()].filter((n) => !old.has(n)).map((n) => `+ ${n} (new tool)`),
    ...[...old.keys()].filter((n) => !now.has(n)).map((n) => `- ${n} (removed)`),
    ...[...now.keys()].filter((n) => old.has(n) && old.get(n) !== now.get(n)).map((n) =>
      `~ ${n} (description, schema or annotations changed)`
    ),
  ];
}

function firstLine(s: string): string {
  const line = s.split("\n", 1)[0] ?? "";
  return line.length > 100 ? `${line.slice(0, 97)}...` : line;
}
