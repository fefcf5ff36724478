/**
 * `astrid audit verify|list|show|stats|export`: read and check the
 * hash-chained audit log in `$ASTRID_HOME/state.kv`.
 *
 * `verify` exits 0 when the chain is intact, 1 when it is not (naming the
 * first bad entry and why), 2 on a usage error. The other subcommands only
 * read; none of them creates the state file.
 *
 * @module
 */

import { acknowledgeAudit } from "../../../runtime/mod.ts";
import { isAbsolute, resolve } from "node:path";
import { AstridError, UsageError } from "../../../core/mod.ts";
import { resolveHome } from "../../../config/mod.ts";
import type { AuditEntry, ChainPoint, TrustedKeyLookup } from "../../../security/audit/mod.ts";
import { trustedPublicKey } from "../../../security/keyring.ts";
import {
  type AuditFilter,
  auditStats,
  getAuditEntry,
  isAuditFilterKind,
  listAuditEntries,
  verifyKvAuditLog,
} from "../../../storage/audit/mod.ts";
import { loadKeyring, openExistingStateKv } from "../../../storage/mod.ts";
import type { CliContext, RegisterCommand } from "../context.ts";

const wallClock = { now: () => Date.now() };

/** Register `astrid audit`. */
export const registerAuditCommand: RegisterCommand = (program, ctx) => {
  const audit = program
    .command("audit")
    .description("View and verify the audit log")
    .addHelpText(
      "after",
      `
Every decision (allowed or denied) and every outcome is one entry in a single
hash chain (BLAKE3), whose head is signed by the runtime key.

Examples:
  $ astrid audit verify
  $ astrid audit verify --json --expect-head 1200:<64 hex digits>
  $ astrid audit list --session s1 --decision deny --limit 20
  $ astrid audit show 42
  $ astrid audit stats --json
  $ astrid audit export --jsonl > audit.jsonl
`,
    );

  audit
    .command("list")
    .description("List entries, newest last (filters combine)")
    .option("--session <id>", "only this session")
    .option("--decision <decision>", "only this decision (allow, deny, ask, defer, ...)")
    .option(
      "--kind <kind>",
      "entry kind (decision, outcome, event) or action kind (file_write, ...)",
    )
    .option("--since <time>", "from this time (ISO 8601 or ms since the epoch)")
    .option("--until <time>", "before this time (ISO 8601 or ms since the epoch)")
    .option("--limit <n>", "at most this many (the newest), default 50; 0 for all")
    .option("--json", "machine-readable output (a JSON array)")
    .action(async (opts: ListOptions) => {
      const filter = parseFilter(opts);
      const home = astridHome(ctx);
      await withStateKv(home, async (kv) => {
        const newest: AuditEntry[] = [];
        for await (const e of listAuditEntries(kv, { ...filter, newestFirst: true })) {
          newest.push(e);
        }
        const entries = newest.reverse();
        if (opts.json) {
          ctx.io.stdout(JSON.stringify(entries.map(entryJson), null, 2) + "\n");
          return;
        }
        if (entries.length === 0) {
          ctx.io.stdout("no matching audit entries\n");
          return;
        }
        ctx.io.stdout(entries.map(entryLine).join("\n") + "\n");
      }, () => ctx.io.stdout(opts.json ? "[]\n" : "no matching audit entries\n"));
    });

  audit
    .command("show")
    .description("Show one entry in full")
    .argument("<id|seq>", "entry id (<seq>-<hex>, as listed) or sequence number")
    .option("--json", "machine-readable output")
    .action(async (ref: string, opts: { json?: boolean }) => {
      const key = /^[1-9][0-9]{0,15}$/.test(ref) ? Number(ref) : ref;
      if (typeof key === "string" && !/^[0-9a-zA-Z_-]{1,64}$/.test(key)) {
        throw new UsageError(`"${ref}" is neither an entry id nor a sequence number`);
      }
      const home = astridHome(ctx);
      const notFound = () => {
        throw new AstridError(
          "NOT_FOUND",
          `no audit entry ${typeof key === "number" ? `#${key}` : `"${key}"`}`,
        );
      };
      await withStateKv(home, async (kv) => {
        const e = await getAuditEntry(kv, key);
        if (!e) notFound();
        ctx.io.stdout(
          opts.json ? JSON.stringify(entryJson(e!), null, 2) + "\n" : entryDetail(e!),
        );
      }, notFound);
    });

  audit
    .command("verify")
    .description(
      "Check every link, the sequence, the hashes and the signed head (exit 1 if tampered)",
    )
    .option("--json", "machine-readable output")
    .option(
      "--expect-head <seq:hash>",
      "fail unless the chain still contains this entry (a head recorded elsewhere earlier)",
    )
    .option("--index", "also check the per-session index (a second scan)")
    .option(
      "--acknowledge",
      "if the chain is broken, record that you have seen this break so risky actions may run again",
    )
    .action(async (
      opts: { json?: boolean; expectHead?: string; index?: boolean; acknowledge?: boolean },
    ) => {
      const expectHead = opts.expectHead === undefined
        ? undefined
        : parseExpectHead(opts.expectHead);
      const home = astridHome(ctx);
      const { trusted, missing } = await trustedKeys(home);
      await withStateKv(home, async (kv) => {
        const v = await verifyKvAuditLog(kv, {
          trusted,
          expectHead,
          checkIndex: opts.index === true,
          record: { clock: wallClock },
        });
        const rate = v.durationMs > 0 ? Math.round(v.length / (v.durationMs / 1000)) : null;
        if (!v.intact) ctx.setExitCode(1);
        if (!v.intact && opts.acknowledge) {
          // The break stays in the record (and verify keeps exiting 1); only the
          // refusal of risky actions is lifted, for this exact break.
          const by = `cli:${ctx.env.USER ?? ctx.env.LOGNAME ?? "local"}`;
          await acknowledgeAudit(kv, v, by, Date.now());
          ctx.io.stderr(
            `astrid: acknowledged the break${v.seq === undefined ? "" : ` at entry #${v.seq}`} ` +
              `(${v.problem}) as ${by}; risky actions are allowed again until another break appears\n`,
          );
        }
        if (!v.intact && missing) ctx.io.stderr(`astrid: ${missing}, so no signature is trusted\n`);
        if (opts.json) {
          const out = v.intact
            ? {
              intact: true,
              length: v.length,
              head: v.head
                ? {
                  seq: v.head.seq,
                  hash: v.head.hash,
                  keyId: v.head.keyId,
                  time: iso(v.head.time),
                }
                : null,
              checkpoints: v.checkpoints,
              durationMs: Math.round(v.durationMs),
              entriesPerSecond: rate,
            }
            : {
              intact: false,
              seq: v.seq ?? null,
              problem: v.problem,
              reason: v.reason,
              length: v.length,
              durationMs: Math.round(v.durationMs),
            };
          ctx.io.stdout(JSON.stringify(out, null, 2) + "\n");
          return;
        }
        if (!v.intact) {
          ctx.io.stdout(
            `audit chain TAMPERED${
              v.seq === undefined ? "" : ` at entry #${v.seq}`
            }: ${v.reason} [${v.problem}]\n`,
          );
          return;
        }
        if (v.length === 0) {
          ctx.io.stdout("audit chain intact: the log is empty\n");
          return;
        }
        ctx.io.stdout(
          `audit chain intact: ${v.length} entries, ${v.checkpoints} checkpoints, verified in ${
            Math.round(v.durationMs)
          } ms${rate === null ? "" : ` (${rate} entries/s)`}\n` +
            `  head #${v.head!.seq} ${v.head!.hash}\n` +
            `  signed by ${v.head!.keyId} at ${iso(v.head!.time)}\n` +
            `Keep "${v.head!.seq}:${v.head!.hash}" somewhere the agent cannot write; ` +
            `'astrid audit verify --expect-head ${v.head!.seq}:<hash>' then detects a rollback.\n`,
        );
      });
    });

  audit
    .command("stats")
    .description("Counts by decision, kind and session; chain length; last verification")
    .option("--json", "machine-readable output")
    .action(async (opts: { json?: boolean }) => {
      const home = astridHome(ctx);
      const empty = {
        length: 0,
        head: undefined,
        byDecision: {},
        byKind: {},
        byActionKind: {},
        bySession: {},
        lastVerify: undefined,
      };
      let stats: Awaited<ReturnType<typeof auditStats>> = empty;
      await withStateKv(home, async (kv) => {
        stats = await auditStats(kv);
      }, () => {});
      if (opts.json) {
        ctx.io.stdout(
          JSON.stringify(
            {
              ...stats,
              head: stats.head ? { seq: stats.head.seq, hash: stats.head.hash } : null,
              lastVerify: stats.lastVerify
                ? { ...stats.lastVerify, time: iso(stats.lastVerify.time) }
                : null,
            },
            null,
            2,
          ) + "\n",
        );
        return;
      }
      const counts = (m: Record<string, number>) =>
        Object.entries(m).length === 0
          ? "none"
          : Object.entries(m).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(", ");
      const lv = stats.lastVerify;
      ctx.io.stdout(
        [
          `Audit log: ${stats.length} entries${
            stats.head ? ` (head #${stats.head.seq}, signed by ${stats.head.keyId})` : ""
          }`,
          `  by decision:    ${counts(stats.byDecision)}`,
          `  by kind:        ${counts(stats.byKind)}`,
          `  by action kind: ${counts(stats.byActionKind)}`,
          `  by session:     ${counts(stats.bySession)}`,
          `  last verified:  ${
            lv
              ? `${iso(lv.time)}, ${
                lv.intact ? "intact" : `TAMPERED at #${lv.seq ?? "?"} (${lv.problem})`
              }, ${lv.length} entries`
              : "never"
          }`,
        ].join("\n") + "\n",
      );
    });

  audit
    .command("export")
    .description("Write every entry to stdout, one JSON object per line")
    .option("--jsonl", "JSON Lines (the only format)")
    .action(async (opts: { jsonl?: boolean }) => {
      if (!opts.jsonl) throw new UsageError("choose an export format: --jsonl");
      const home = astridHome(ctx);
      await withStateKv(home, async (kv) => {
        let buf = "";
        for await (const e of listAuditEntries(kv)) {
          buf += JSON.stringify(entryJson(e)) + "\n";
          if (buf.length > 1 << 16) {
            ctx.io.stdout(buf);
            buf = "";
          }
        }
        if (buf) ctx.io.stdout(buf);
      }, () => {});
    });
};

interface ListOptions {
  session?: string;
  decision?: string;
  kind?: string;
  since?: string;
  until?: string;
  limit?: string;
  json?: boolean;
}

function parseFilter(o: ListOptions): AuditFilter {
  if (o.kind !== undefined && !isAuditFilterKind(o.kind)) {
    throw new UsageError(
      `--kind "${o.kind}" is neither an entry kind (decision, outcome, event) nor an action kind`,
    );
  }
  let limit = 50;
  if (o.limit !== undefined) {
    if (!/^[0-9]{1,9}$/.test(o.limit)) {
      throw new UsageError(`--limit "${o.limit}" is not a whole number`);
    }
    limit = Number(o.limit) === 0 ? Infinity : Number(o.limit);
  }
  return {
    sessionId: o.session,
    decision: o.decision,
    kind: o.kind as AuditFilter["kind"],
    since: o.since === undefined ? undefined : parseTime("--since", o.since),
    until: o.until === undefined ? undefined : parseTime("--until", o.until),
    limit,
  };
}

function parseTime(flag: string, s: string): number {
  if (/^[0-9]{1,15}$/.test(s)) return Number(s);
  const t = Date.parse(s);
  if (!/^\d{4}-\d{2}-\d{2}/.test(s) || Number.isNaN(t)) {
    throw new UsageError(
      `${flag} "${s}" is not a time: expected ISO 8601 (2026-01-31T12:00:00Z) or ms since the epoch`,
    );
  }
  return t;
}

function parseExpectHead(s: string): ChainPoint {
  const m = s.match(/^([1-9][0-9]{0,15}):([0-9a-f]{64})$/);
  if (!m) {
    throw new UsageError(
      `--expect-head "${
        s.slice(0, 100)
      }" is not SEQ:HASH (a sequence number, a colon, 64 lowercase hex digits)`,
    );
  }
  return { seq: Number(m[1]), hash: m[2]! };
}

/** The home folder as config resolves it; a relative `ASTRID_HOME` is taken from the working directory. */
function astridHome(ctx: CliContext): string {
  const home = resolveHome(ctx.env);
  return isAbsolute(home) ? home : resolve(ctx.cwd, home);
}

/**
 * Open `$home/state.kv` for `fn`, or call `missing` when there is no state file
 * yet (reading never creates it). Without `missing`, a missing file is an
 * empty log.
 */
async function withStateKv(
  home: string,
  fn: (kv: Deno.Kv) => Promise<void>,
  missing?: () => void,
): Promise<void> {
  let kv = await openExistingStateKv(home);
  if (!kv) {
    if (missing) return missing();
    // An empty in-memory store: verify reports an empty (or, with --expect-head, truncated) log.
    kv = await Deno.openKv(":memory:");
  }
  try {
    await fn(kv);
  } finally {
    kv.close();
  }
}

/**
 * The keyring's trusted keys. With no keyring yet, nothing is trusted (so any
 * signed head fails) and `missing` explains why.
 */
async function trustedKeys(
  home: string,
): Promise<{ trusted: TrustedKeyLookup; missing?: string }> {
  try {
    const ring = await loadKeyring(home);
    return { trusted: (keyId) => trustedPublicKey(ring, keyId) };
  } catch (e) {
    if (e instanceof AstridError && e.code === "KEY_MISSING") {
      return { trusted: () => undefined, missing: e.message };
    }
    throw e;
  }
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** The entry as exported: fields in a readable order, time as ISO 8601 next to the raw ms. */
function entryJson(e: AuditEntry): Record<string, unknown> {
  const { seq, id, time, sessionId, principal, kind, prevHash, hash, ...rest } = e;
  return { seq, id, time, timeIso: iso(time), sessionId, principal, kind, ...rest, prevHash, hash };
}

function entryLine(e: AuditEntry): string {
  const what = e.kind === "outcome"
    ? e.outcome ? (e.outcome.ok ? "ok" : `failed: ${oneLine(e.outcome.error ?? "")}`) : ""
    : [e.decision, e.stage].filter(Boolean).join(" ");
  const summary = e.summary ?? e.outcome?.summary ?? "";
  return [`#${e.seq}`, iso(e.time), e.sessionId, e.kind, what, oneLine(summary)]
    .filter((x) => x !== "").join("  ");
}

function entryDetail(e: AuditEntry): string {
  const lines = [
    `Entry #${e.seq} (${e.kind})`,
    `  id:        ${e.id}`,
    `  time:      ${iso(e.time)}`,
    `  session:   ${e.sessionId}`,
    `  principal: ${e.principal}`,
  ];
  if (e.summary) lines.push(`  summary:   ${oneLine(e.summary)}`);
  if (e.decision) lines.push(`  decision:  ${e.decision}${e.stage ? ` (stage ${e.stage})` : ""}`);
  for (const f of ["action", "proof", "outcome", "links", "detail"] as const) {
    if (e[f] !== undefined) lines.push(`  ${(f + ":").padEnd(10)} ${JSON.stringify(e[f])}`);
  }
  lines.push(`  prevHash:  ${e.prevHash}`, `  hash:      ${e.hash}`);
  return lines.join("\n") + "\n";
}

function oneLine(s: string): string {
  const t = s.replace(/\s+/g, " ").trim();
  return t.length > 160 ? `${t.slice(0, 157)}...` : t;
}
