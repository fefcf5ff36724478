/**
 * `astrid keys show|generate`: the runtime's ed25519 signing key. Prints key
 * ids, public keys and fingerprints; never the secret seed.
 *
 * @module
 */

import { isAbsolute, resolve } from "node:path";
import { cryptoRandom, toBase64Url } from "../../../core/mod.ts";
import { resolveHome } from "../../../config/mod.ts";
import { fingerprintOf, type Keyring, type TrustedKey } from "../../../security/keyring.ts";
import { generateKey, keyPaths, loadKeyring } from "../../../storage/mod.ts";
import type { CliContext, RegisterCommand } from "../context.ts";

const wallClock = { now: () => Date.now() };

/** Register `astrid keys`. */
export const registerKeysCommand: RegisterCommand = (program, ctx) => {
  const keys = program
    .command("keys")
    .description("Manage the runtime's ed25519 signing key")
    .addHelpText(
      "after",
      `
Keys live in $ASTRID_HOME/keys/ (default ~/.astrid/keys/): the folder is 0700,
the files 0600. The first command that needs a key creates one.

Examples:
  $ astrid keys show
  $ astrid keys show --json
  $ astrid keys generate
  $ astrid keys generate --force   # rotate; the old public key stays trusted
`,
    );

  keys
    .command("show")
    .description("Print the key id, public key and fingerprint (never the secret)")
    .option("--json", "machine-readable output")
    .action(async (opts: { json?: boolean }) => {
      const home = astridHome(ctx);
      const keyring = await loadKeyring(home);
      if (opts.json) {
        ctx.io.stdout(JSON.stringify(keyringJson(keyring, home), null, 2) + "\n");
      } else {
        ctx.io.stdout(keyringText(keyring, home));
      }
    });

  keys
    .command("generate")
    .description("Create a new signing key (--force replaces one, keeping it trusted)")
    .option("--force", "replace an existing key; its public key stays trusted")
    .option("--json", "machine-readable output")
    .action(async (opts: { force?: boolean; json?: boolean }) => {
      const home = astridHome(ctx);
      const { keyring, retired } = await generateKey(home, {
        force: opts.force === true,
        clock: wallClock,
        random: cryptoRandom,
      });
      if (opts.json) {
        const out = {
          ...keyringJson(keyring, home),
          retired: retired ? trustedJson(retired, keyring) : null,
        };
        ctx.io.stdout(JSON.stringify(out, null, 2) + "\n");
        return;
      }
      const a = keyring.active;
      ctx.io.stdout(
        `Generated signing key ${a.keyId}\n` +
          `  fingerprint: ${fingerprintOf(a.publicKey)}\n` +
          `  file:        ${keyPaths(home).signingKey}\n` +
          (retired
            ? `Retired ${retired.keyId}; it stays trusted, so signatures it made still verify.\n`
            : ""),
      );
    });
};

/** The home folder as config resolves it; a relative `ASTRID_HOME` is taken from the working directory. */
function astridHome(ctx: CliContext): string {
  const home = resolveHome(ctx.env);
  return isAbsolute(home) ? home : resolve(ctx.cwd, home);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function trustedJson(k: TrustedKey, ring: Keyring) {
  return {
    keyId: k.keyId,
    publicKey: toBase64Url(k.publicKey),
    fingerprint: fingerprintOf(k.publicKey),
    createdAt: iso(k.createdAt),
    retiredAt: k.retiredAt === undefined ? null : iso(k.retiredAt),
    active: k.keyId === ring.active.keyId,
  };
}

function keyringJson(ring: Keyring, home: string) {
  const a = ring.active;
  return {
    active: {
      keyId: a.keyId,
      publicKey: toBase64Url(a.publicKey),
      fingerprint: fingerprintOf(a.publicKey),
      createdAt: iso(a.createdAt),
    },
    trusted: sortedTrusted(ring).map((k) => trustedJson(k, ring)),
    files: keyPaths(home),
  };
}

function sortedTrusted(ring: Keyring): TrustedKey[] {
  return [...ring.trusted.values()].sort((x, y) => x.createdAt - y.createdAt);
}

function keyringText(ring: Keyring, home: string): string {
  const a = ring.active;
  const retired = sortedTrusted(ring).filter((k) => k.keyId !== a.keyId);
  const lines = [
    "Active signing key",
    `  key id:      ${a.keyId}`,
    `  public key:  ${toBase64Url(a.publicKey)}`,
    `  fingerprint: ${fingerprintOf(a.publicKey)}`,
    `  created:     ${iso(a.createdAt)}`,
    `  file:        ${keyPaths(home).signingKey}`,
  ];
  if (retired.length === 0) {
    lines.push("No retired keys.");
  } else {
    lines.push(`Retired keys, still trusted for verification (${retired.length})`);
    for (const k of retired) {
      lines.push(
        `  ${k.keyId}  ${fingerprintOf(k.publicKey)}  created ${iso(k.createdAt)}` +
          (k.retiredAt === undefined ? "" : `  retired ${iso(k.retiredAt)}`),
      );
    }
  }
  return lines.join("\n") + "\n";
}
