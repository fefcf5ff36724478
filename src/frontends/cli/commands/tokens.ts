/**
 * `astrid tokens list|revoke`: see and withdraw what was granted with
 * "Allow Always". A revocation is durable and recorded in the audit log.
 *
 * @module
 */

import type { Command } from "commander";
import { AstridError } from "../../../core/mod.ts";
import type { CapabilityToken } from "../../../security/mod.ts";
import type { RegisterCommand } from "../context.ts";
import { operatorName, withRuntime } from "../with_runtime.ts";

/** Register `astrid tokens`. */
export const registerTokensCommand: RegisterCommand = (program, ctx) => {
  const tokens = program.command("tokens")
    .description("List and revoke capability tokens")
    .addHelpText(
      "after",
      `
Examples:
  $ astrid tokens list
  $ astrid tokens list --all --json
  $ astrid tokens revoke 3f2a... --reason "granted by mistake"`,
    );

  tokens.command("list")
    .description("List the capability tokens granted with Allow Always")
    .option("--all", "include expired, revoked and used tokens")
    .option("--json", "print JSON")
    .action(async (opts: { all?: boolean; json?: boolean }, cmd: Command) => {
      await withRuntime(ctx, cmd, async (rt) => {
        const all = await rt.tokens.store.list();
        const ids = all.map((t) => t.id);
        const [revoked, used] = await Promise.all([
          rt.tokens.store.revokedIds(ids),
          rt.tokens.store.consumedIds(ids),
        ]);
        const now = Date.now();
        const rows = all.map((t) => ({
          ...t,
          state: revoked.has(t.id)
            ? "revoked"
            : used.has(t.id)
            ? "used"
            : t.expiresAt <= now
            ? "expired"
            : "active",
        })).filter((t) => opts.all || t.state === "active")
          .sort((a, b) => a.issuedAt - b.issuedAt);
        if (opts.json) {
          ctx.io.stdout(`${JSON.stringify(rows.map(publicView), null, 2)}\n`);
          return;
        }
        if (rows.length === 0) {
          ctx.io.stdout(opts.all ? "No tokens.\n" : "No active tokens.\n");
          return;
        }
        for (const t of rows) {
          ctx.io.stdout(
            `${t.id}  ${t.state.padEnd(7)}  ${t.permissions.join(",")} ${t.resource}  ` +
              `principal ${t.principal}  expires ${new Date(t.expiresAt).toISOString()}\n`,
          );
        }
      });
    });

  tokens.command("revoke")
    .description("Revoke a token so it no longer covers anything")
    .argument("<id>", "token id (from 'astrid tokens list')")
    .option("--reason <text>", "why, for the audit log", "revoked by the operator")
    .option("--json", "print JSON")
    .action(async (id: string, opts: { reason: string; json?: boolean }, cmd: Command) => {
      await withRuntime(ctx, cmd, async (rt) => {
        const token = await rt.tokens.store.get(id);
        if (!token) throw new AstridError("NOT_FOUND", `No token with id "${id}"`);
        const by = operatorName(ctx);
        await rt.tokens.revoke(id, { at: Date.now(), reason: opts.reason, by });
        const entry = await rt.audit.append({
          sessionId: token.sessionId ?? "-",
          principal: token.principal,
          kind: "event",
          summary: `Token revoked: ${token.resource} (${opts.reason})`,
          links: { tokenId: id },
          detail: { type: "token_revoked", tokenId: id, by, reason: opts.reason },
        });
        if (opts.json) {
          ctx.io.stdout(`${JSON.stringify({ revoked: id, auditSeq: entry.seq })}\n`);
        } else {
          ctx.io.stdout(`Revoked ${id} (${token.resource}); audit entry #${entry.seq}.\n`);
        }
      });
    });
};

function publicView(t: CapabilityToken & { state: string }) {
  const { signature: _sig, nonce: _nonce, ...rest } = t;
  return rest;
}
