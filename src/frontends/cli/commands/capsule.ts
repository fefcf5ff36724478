/**
 * `astrid capsule list|install|remove|info`: install capsules after the
 * human has seen and approved what they ask for, see their state, remove
 * them. Every install, refusal, upgrade and removal is in the audit log.
 * (`compile` arrives with the TypeScript-to-WASM compiler.)
 *
 * Also exports the small host glue `astrid servers` shares: the store of a
 * runtime, a capsule's state on disk and the launch of one of its servers.
 *
 * @module
 */

import { resolve } from "node:path";
import type { Command } from "commander";
import { AstridError, UsageError } from "../../../core/mod.ts";
import {
  capabilityItems,
  type CapsuleRecord,
  CapsuleStore,
  capsuleTreeHash,
  installCapsule,
  type InstallOutcome,
  type InstallPrompt,
  type McpServerLaunch,
  mcpServerLaunch,
  planCapsule,
  removeCapsule,
  type ServerInspection,
} from "../../../capsule/mod.ts";
import { startMcpServer, toolListHash } from "../../../mcp/mod.ts";
import type { SecurityRuntime } from "../../../runtime/mod.ts";
import { evaluateCallPolicy } from "../../../security/mod.ts";
import type { CliContext, RegisterCommand } from "../context.ts";
import { operatorName, withRuntime } from "../with_runtime.ts";

/** The capsule store of an open runtime. */
export function capsuleStore(rt: SecurityRuntime): CapsuleStore {
  return new CapsuleStore(rt.kv, rt.home);
}

/** `ok`, `modified` (files differ from what was approved) or `missing`. */
export async function capsuleState(
  store: CapsuleStore,
  record: CapsuleRecord,
): Promise<"ok" | "modified" | "missing"> {
  const dir = store.dirOf(record.name);
  if (!await Deno.stat(dir).then((s) => s.isDirectory, () => false)) return "missing";
  const tree = await capsuleTreeHash(dir);
  return tree.ok && tree.hash === record.contentHash ? "ok" : "modified";
}

/** The launch of approved server `id` of `record`, from the approved spec and stored values. */
export async function serverLaunch(
  store: CapsuleStore,
  record: CapsuleRecord,
  id: string,
): Promise<McpServerLaunch> {
  const spec = record.approved.mcpServers.find((s) => s.id === id);
  if (!spec) {
    throw new AstridError("NOT_FOUND", `capsule "${record.name}" has no approved server "${id}"`);
  }
  const state = await capsuleState(store, record);
  if (state !== "ok") {
    // The program is part of what was approved: changed files do not run.
    throw new AstridError(
      "CAPSULE_LOAD_FAILED",
      `capsule "${record.name}" is ${state} on disk (its files no longer hash to ${record.contentHash}); reinstall it`,
    );
  }
  const manifest = await store.manifestOf(record.name).catch(() => undefined);
  const launch = mcpServerLaunch({ kind: "mcp", capsule: record.name, server: spec }, {
    capsuleDir: store.dirOf(record.name),
    envSpecs: manifest?.env ?? {},
    values: await store.readValues(record.name),
  });
  if (!launch.ok) throw new AstridError("MCP_START_FAILED", launch.reason);
  return launch.launch;
}

/** Start a server once, read its tools, stop it. */
export async function inspectServer(
  ctx: CliContext,
  launch: McpServerLaunch,
): Promise<ServerInspection> {
  const session = await startMcpServer(launch, {
    searchPath: ctx.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
  });
  try {
    const tools = await session.listTools();
    return { hash: toolListHash(tools), tools };
  } finally {
    await session.close();
  }
}

/** Prompts at the terminal (or from piped lines); answers other than y/yes are no. */
export function terminalPrompt(ctx: CliContext): InstallPrompt {
  return {
    show: (text) => ctx.io.stderr(text),
    confirm: async (q) => /^\s*y(es)?\s*$/i.test(await ctx.io.prompt(q) ?? ""),
    ask: (q, o) => ctx.io.prompt(q, { secret: o.secret }),
  };
}

/** Register `astrid capsule`. */
export const registerCapsuleCommand: RegisterCommand = (program, ctx) => {
  const capsule = program.command("capsule")
    .description("Manage capsules (extensions)")
    .addHelpText(
      "after",
      `
Examples:
  $ astrid capsule install ./github-capsule
  $ astrid capsule install github-1.0.0.tar.gz --approve net:api.github.com,mcp_server:github
  $ astrid capsule list
  $ astrid capsule info github --json
  $ astrid capsule remove github`,
    );

  capsule.command("list")
    .description("List installed capsules: state, version, capabilities, servers")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withRuntime(ctx, cmd, async (rt) => {
        const store = capsuleStore(rt);
        const rows = await Promise.all(
          (await store.list()).map(async (r) => ({ ...r, state: await capsuleState(store, r) })),
        );
        if (opts.json) {
          ctx.io.stdout(`${JSON.stringify(rows.map(publicView), null, 2)}\n`);
          return;
        }
        if (rows.length === 0) {
          ctx.io.stdout("No capsules installed.\n");
          return;
        }
        for (const r of rows) {
          const approved = capabilityItems(r.approved);
          ctx.io.stdout(
            `${r.name} ${r.version}  ${r.state}  ${approved.length}/${
              capabilityItems(r.requested).length
            } capabilities approved  ${r.servers.length} servers  ${r.contentHash}\n`,
          );
        }
      });
    });

  capsule.command("install")
    .description("Install or upgrade a capsule from a folder or .tar.gz, after approval")
    .argument("<source>", "a capsule folder (with Capsule.toml) or a .tar.gz of one")
    .option("-y, --yes", "approve everything it asks for, tool lists included (scripts)")
    .option(
      "--approve <items>",
      "approve only these, comma-separated (net:HOST, fs_read:GLOB, fs_write:GLOB, kv, mcp_server:ID, interceptor:EVENT; 'none' for nothing)",
    )
    .option("--json", "print JSON")
    .addHelpText(
      "after",
      `
Without --yes or --approve, the capsule's request is shown and you are asked
to approve it (and each MCP server's tool list); answering no installs nothing.
Secrets are asked without echo and stored in a private file (mode 0600) under
ASTRID_HOME/capsule-state; they are never printed. An upgrade keeps earlier
approvals only for unchanged items and asks for the rest.

Exit status: 0 installed, 1 refused or failed, 2 on bad arguments.`,
    )
    .action(
      async (
        source: string,
        opts: { yes?: boolean; approve?: string; json?: boolean },
        cmd: Command,
      ) => {
        if (opts.yes && opts.approve !== undefined) {
          throw new UsageError("use either --yes or --approve, not both");
        }
        const preApproved = opts.yes
          ? "all" as const
          : opts.approve === undefined
          ? undefined
          : opts.approve.trim() === "none"
          ? []
          : opts.approve.split(",").map((s) => s.trim()).filter((s) => s !== "");
        const path = resolve(ctx.cwd, source);
        await withRuntime(ctx, cmd, async (rt) => {
          const outcome = await installCapsule(path, {
            store: capsuleStore(rt),
            audit: rt.audit,
            prompt: terminalPrompt(ctx),
            principal: operatorName(ctx),
            production: rt.config.capsules.production,
            clock: { now: () => Date.now() },
            inspectServer: (launch) => inspectServer(ctx, launch),
            ...(preApproved !== undefined ? { preApproved } : {}),
            blocked: (name) => {
              const v = evaluateCallPolicy(rt.policy, { capsule: name });
              return v.kind === "deny" ? v.reason : undefined;
            },
          });
          report(ctx, outcome, opts.json === true);
        });
      },
    );

  capsule.command("remove")
    .description("Unload and delete an installed capsule (audited)")
    .argument("<name>", "capsule name (from 'astrid capsule list')")
    .option("--json", "print JSON")
    .action(async (name: string, opts: { json?: boolean }, cmd: Command) => {
      checkName(name);
      await withRuntime(ctx, cmd, async (rt) => {
        const r = await removeCapsule(name, {
          store: capsuleStore(rt),
          audit: rt.audit,
          principal: operatorName(ctx),
        });
        if (r.kind === "missing") throw new AstridError("NOT_FOUND", `No capsule "${name}"`);
        if (opts.json) {
          ctx.io.stdout(
            `${
              JSON.stringify(
                { removed: name, version: r.record.version, auditSeq: r.auditSeq },
                null,
                2,
              )
            }\n`,
          );
          return;
        }
        ctx.io.stdout(`Removed ${name} ${r.record.version} (audit entry #${r.auditSeq}).\n`);
      });
    });

  capsule.command("compile")
    .description("compile (not yet available)")
    .allowUnknownOption()
    .allowExcessArguments()
    .action(() => {
      ctx.io.stderr(
        "astrid capsule compile: not available in this build yet; it arrives with the TypeScript-to-WASM compiler.\n",
      );
      ctx.setExitCode(1);
    });

  capsule.command("info")
    .description("Show one capsule: state, capabilities requested and approved, tools, hashes")
    .argument("<name>", "capsule name")
    .option("--json", "print JSON")
    .action(async (name: string, opts: { json?: boolean }, cmd: Command) => {
      checkName(name);
      await withRuntime(ctx, cmd, async (rt) => {
        const store = capsuleStore(rt);
        const record = await store.get(name);
        if (!record) throw new AstridError("NOT_FOUND", `No capsule "${name}"`);
        const state = await capsuleState(store, record);
        const manifest = await store.manifestOf(name).catch(() => undefined);
        const plan = manifest ? planCapsule(manifest, record.approved) : undefined;
        const view = {
          ...publicView({ ...record, state }),
          engines: plan?.engines.map((e) => e.kind) ?? [],
          static: manifest
            ? {
              contextFiles: manifest.context?.files ?? [],
              skills: manifest.skills.map((s) => s.name),
              commands: manifest.commands.map((c) => c.name),
            }
            : null,
          cron: manifest?.cron ?? [],
        };
        if (opts.json) {
          ctx.io.stdout(`${JSON.stringify(view, null, 2)}\n`);
          return;
        }
        const lines = [
          `${record.name} ${record.version}${record.description ? `: ${record.description}` : ""}`,
          `  state        ${state}`,
          `  source       ${record.source}`,
          `  content      ${record.contentHash}`,
          ...(record.componentHash ? [`  component    ${record.componentHash}`] : []),
          `  installed    ${new Date(record.installedAt).toISOString()} by ${record.approvedBy}`,
          `  updated      ${
            new Date(record.updatedAt).toISOString()
          } (audit entry #${record.auditSeq})`,
          `  requested    ${capabilityItems(record.requested).join(", ") || "nothing"}`,
          `  approved     ${capabilityItems(record.approved).join(", ") || "nothing"}`,
          `  values       ${record.values.join(", ") || "none"} (values are never shown)`,
          `  engines      ${view.engines.join(", ") || "none"}`,
        ];
        for (const s of record.servers) {
          lines.push(
            `  server ${s.id}  ${s.enabled ? "enabled" : "stopped"}  tools ${
              s.pin ?? "not approved"
            }`,
            ...s.tools.map((t) => `    mcp:${s.id}:${t}`),
          );
        }
        ctx.io.stdout(`${lines.join("\n")}\n`);
      });
    });
};

function report(ctx: CliContext, outcome: InstallOutcome, json: boolean): void {
  if (outcome.kind === "refused") {
    ctx.setExitCode(1);
    if (json) {
      ctx.io.stdout(`${JSON.stringify(outcome, null, 2)}\n`);
    } else {
      ctx.io.stderr(
        `astrid: not installed: ${outcome.reason} (audit entry #${outcome.auditSeq}); nothing was changed\n`,
      );
    }
    return;
  }
  const r = outcome.record;
  const approved = capabilityItems(r.approved);
  const refused = capabilityItems(r.requested).filter((i) => !approved.includes(i));
  if (json) {
    ctx.io.stdout(
      `${
        JSON.stringify(
          {
            kind: outcome.previousVersion ? "upgraded" : "installed",
            ...(outcome.previousVersion ? { previousVersion: outcome.previousVersion } : {}),
            ...publicView({ ...r, state: "ok" }),
            refused,
          },
          null,
          2,
        )
      }\n`,
    );
    return;
  }
  ctx.io.stdout(
    `${
      outcome.previousVersion ? `Upgraded ${r.name} ${outcome.previousVersion} ->` : "Installed"
    } ${outcome.previousVersion ? "" : `${r.name} `}${r.version} (audit entry #${r.auditSeq}).\n` +
      `  approved: ${approved.join(", ") || "nothing"}\n` +
      (refused.length > 0 ? `  not approved: ${refused.join(", ")}\n` : "") +
      r.servers.map((s) => `  server ${s.id}: ${s.tools.length} tools, list ${s.pin}\n`).join(""),
  );
}

/** What list/info/install print: the record with capabilities as items; values by name only. */
function publicView(r: CapsuleRecord & { state: string }) {
  return {
    name: r.name,
    version: r.version,
    ...(r.description !== undefined ? { description: r.description } : {}),
    state: r.state,
    source: r.source,
    contentHash: r.contentHash,
    componentHash: r.componentHash,
    capabilities: {
      requested: capabilityItems(r.requested),
      approved: capabilityItems(r.approved),
    },
    values: r.values,
    servers: r.servers.map((s) => ({
      id: s.id,
      enabled: s.enabled,
      toolListHash: s.pin,
      tools: s.tools.map((t) => `mcp:${s.id}:${t}`),
      command: r.approved.mcpServers.find((x) => x.id === s.id)?.command ?? null,
    })),
    installedAt: new Date(r.installedAt).toISOString(),
    updatedAt: new Date(r.updatedAt).toISOString(),
    approvedBy: r.approvedBy,
    auditSeq: r.auditSeq,
  };
}

function checkName(name: string): void {
  if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(name)) {
    throw new UsageError(
      `"${name}" is not a capsule name (lowercase letters, digits, "-" or "_")`,
    );
  }
}
