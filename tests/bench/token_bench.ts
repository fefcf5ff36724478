/**
 * Capability token costs: issue (sign), verify (native ed25519), the cached
 * path that skips the signature, scope matching, parsing, hashing and the
 * durable single-use consumption on a KV file and on KV `:memory:`.
 *
 * Run: deno bench --allow-all tests/bench/token_bench.ts
 */

import { join } from "node:path";
import { FakeClock, SeededRandom } from "../../src/core/mod.ts";
import {
  issueToken,
  keyIdOf,
  keyPairFromSeed,
  parseToken,
  scopeCovers,
  signerOf,
  tokenHash,
  type TokenRequest,
  tokenSignatureValid,
  verifyToken,
} from "../../src/security/mod.ts";
import { KvTokenStore } from "../../src/storage/capability/mod.ts";

const kp = keyPairFromSeed(new Uint8Array(32).fill(3));
const keyId = keyIdOf(kp.publicKey);
const keyring = {
  active: { keyId, seed: kp.seed, publicKey: kp.publicKey, createdAt: 0 },
  trusted: new Map([[keyId, { keyId, publicKey: kp.publicKey, createdAt: 0 }]]),
};
const signer = signerOf(keyring);
const clock = new FakeClock(1_767_225_600_000);
const random = new SeededRandom(1);
const grant = {
  resource: "file:///home/u/project/src/**",
  permissions: ["read", "write"] as const,
  scope: "persistent" as const,
  principal: "local",
  auditEntryId: "0123456789abcdef0123456789abcdef",
  auditEntryHash: "b".repeat(64),
};
const deps = { signer, clock, random, ttlMs: 3_600_000 };
const token = issueToken(grant, deps);
const json = JSON.parse(JSON.stringify(token));
const trusted = (k: string) => keyring.trusted.get(k)?.publicKey;
const req: TokenRequest = {
  resource: "file:///home/u/project/src/lib/deep/file.ts",
  permission: "write",
  principal: "local",
  sessionId: "s1",
};
const ctx = { trusted, now: clock.now() + 1_000, skewMs: 30_000, isRevoked: () => false };

Deno.bench("issueToken (sign, node:crypto)", { group: "sign" }, () => {
  issueToken(grant, deps);
});

Deno.bench(
  "verifyToken, full (signature + window + scope)",
  { group: "verify", baseline: true },
  () => {
    if (!verifyToken(token, req, ctx).ok) throw new Error("expected ok");
  },
);
Deno.bench("tokenSignatureValid only", { group: "verify" }, () => {
  if (!tokenSignatureValid(token, trusted)) throw new Error("expected ok");
});
Deno.bench("verifyToken, signature cached (signatureVerified)", { group: "verify" }, () => {
  if (!verifyToken(token, req, { ...ctx, signatureVerified: true }).ok) {
    throw new Error("expected ok");
  }
});
Deno.bench("tokenHash (BLAKE3 over canonical JSON, the cache key)", { group: "verify" }, () => {
  tokenHash(token);
});
Deno.bench("parseToken (strict decode)", { group: "verify" }, () => {
  if (!parseToken(json).ok) throw new Error("expected ok");
});

Deno.bench("scopeCovers file ** (covered)", { group: "scope" }, () => {
  scopeCovers("file:///home/u/project/src/**", "file:///home/u/project/src/lib/deep/file.ts");
});
Deno.bench("scopeCovers file ** (outside)", { group: "scope" }, () => {
  scopeCovers("file:///home/u/project/src/**", "file:///home/u/project-other/src/x.ts");
});
Deno.bench("scopeCovers file (.. rejected before glob)", { group: "scope" }, () => {
  scopeCovers("file:///home/u/project/src/**", "file:///home/u/project/src/../../.ssh/id");
});
Deno.bench("scopeCovers net *.host:port", { group: "scope" }, () => {
  scopeCovers("net://*.example.com:443", "net://api.example.com:443");
});
Deno.bench("scopeCovers exec exact", { group: "scope" }, () => {
  scopeCovers("exec://git", "exec://git");
});

const dir = await Deno.makeTempDir({ prefix: "astrid-token-bench-" });
const fileKv = await Deno.openKv(join(dir, "state.kv"));
const memKv = await Deno.openKv(":memory:");
const fileStore = new KvTokenStore(fileKv);
const memStore = new KvTokenStore(memKv);
let n = 0;

Deno.bench("KV file: consume (atomic check-null + set, fsync)", { group: "consume" }, async () => {
  if (!(await fileStore.consume(`t${n++}`, 1))) throw new Error("expected first use");
});
Deno.bench("KV file: consume of a used token (refused)", { group: "consume" }, async () => {
  if (await fileStore.consume("t0", 1)) throw new Error("expected refusal");
});
Deno.bench("KV :memory: consume", { group: "consume" }, async () => {
  if (!(await memStore.consume(`m${n++}`, 1))) throw new Error("expected first use");
});

globalThis.addEventListener("unload", () => {
  fileKv.close();
  memKv.close();
  Deno.removeSync(dir, { recursive: true });
});
