/**
 * Shared fixtures for the audit tests: temp KV files, deterministic keyrings,
 * drafts.
 *
 * @module
 */

import { join } from "node:path";
import { FakeClock, SeededRandom } from "../../src/core/mod.ts";
import type { AuditDraft } from "../../src/security/audit/mod.ts";
import { keyPairFromSeed } from "../../src/security/crypto/ed25519.ts";
import { keyIdOf, type Keyring, signerOf, type SigningKey } from "../../src/security/keyring.ts";
import { KvAuditLog } from "../../src/storage/audit/mod.ts";

/** A signing key from a one-byte seed pattern (tests only). */
export function testKey(seedByte: number, createdAt = Date.UTC(2026, 0, 1)): SigningKey {
  const kp = keyPairFromSeed(new Uint8Array(32).fill(seedByte));
  return { keyId: keyIdOf(kp.publicKey), seed: kp.seed, publicKey: kp.publicKey, createdAt };
}

/** A keyring whose active key is `active`, also trusting `alsoTrusted` (rotated keys). */
export function testKeyring(active: SigningKey, ...alsoTrusted: SigningKey[]): Keyring {
  const trusted = new Map(
    [active, ...alsoTrusted].map((k) => [k.keyId, {
      keyId: k.keyId,
      publicKey: k.publicKey,
      createdAt: k.createdAt,
    }]),
  );
  return { active, trusted };
}

/** A temp dir with a KV file at `state.kv`, removed afterwards. */
export async function withTempKv(
  fn: (kv: Deno.Kv, path: string, dir: string) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "astrid-audit-" });
  const path = join(dir, "state.kv");
  const kv = await Deno.openKv(path);
  try {
    await fn(kv, path, dir);
  } finally {
    kv.close();
    await Deno.remove(dir, { recursive: true });
  }
}

/** A draft for entry number `i` (varied sessions, kinds and decisions). */
export function sampleDraft(i: number): AuditDraft {
  const session = `s${i % 3}`;
  if (i % 4 === 3) {
    return {
      sessionId: session,
      principal: "user:alice",
      kind: "outcome",
      outcome: { ok: i % 8 !== 7, error: i % 8 === 7 ? "ENOENT: no such file" : undefined },
      links: { decisionSeq: i },
    };
  }
  return {
    sessionId: session,
    principal: "user:alice",
    kind: "decision",
    action: { kind: "file_write", path: `/work/p/file${i}.txt`, inWorkspace: true, diff: "+x\n" },
    summary: `Write file: /work/p/file${i}.txt`,
    decision: i % 5 === 0 ? "deny" : "allow",
    stage: i % 5 === 0 ? "policy" : "token",
    proof: i % 5 === 0
      ? { rule: "deny:/work/p/secret/**", reason: "path is denied by policy" }
      : { policy: "allow", via: "token", tokenId: `t${i}`, tokenHash: "ab".repeat(32) },
  };
}

/** Write `n` sample entries to `kv` with `key`, deterministic ids and times. */
export async function fillLog(
  kv: Deno.Kv,
  n: number,
  keyring: Keyring,
  options: { checkpointEvery?: number; seed?: number } = {},
): Promise<void> {
  const log = new KvAuditLog(kv, {
    signer: signerOf(keyring),
    clock: new FakeClock(),
    random: new SeededRandom(options.seed ?? 7),
    checkpointEvery: options.checkpointEvery ?? 10,
  });
  try {
    await Promise.all(Array.from({ length: n }, (_, i) => log.append(sampleDraft(i + 1))));
  } finally {
    await log.close();
  }
}
