/**
 * The interceptor's cost, side by side with the floor it cannot beat: one
 * bare durable Deno KV commit of an entry of the same size.
 *
 * - "durable decision": policy, workspace mode, token lookup and verify,
 *   budget reservation and the audit entry (committed together), one call at a time;
 * - "200 decisions in flight": group commit, each caller still awaiting its own commit.
 *
 * Run: deno bench -A tests/bench/interceptor_bench.ts
 */

import { join } from "node:path";
import { openSecurityRuntime } from "../../src/runtime/mod.ts";
import { issueToken, signerOf } from "../../src/security/mod.ts";
import { cryptoRandom } from "../../src/core/mod.ts";

const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "astrid-bench-" }));
const home = join(root, "home");
const workspace = join(root, "ws");
await Deno.mkdir(home, { mode: 0o700 });
await Deno.mkdir(workspace);
await Deno.writeTextFile(join(home, "config.toml"), "[budget]\nsession_usd = 1000000\n");
const rt = await openSecurityRuntime({
  home,
  workspace,
  env: { ASTRID_SYSTEM_CONFIG: join(root, "none.toml") },
});
const c = rt.classify("write_file", { path: join(workspace, "a.txt"), content: "x" });
if (!c.ok) throw new Error(c.reason);
await rt.tokens.store.put(issueToken({
  resource: `file://${workspace}/**`,
  permissions: ["write"],
  scope: "persistent",
  principal: "local",
  auditEntryId: "bench",
  auditEntryHash: "bench",
}, {
  signer: signerOf(rt.keyring),
  clock: { now: () => Date.now() },
  random: cryptoRandom,
  ttlMs: 86_400_000,
}));
const call = { tool: "write_file", actions: c.actions, argBytes: c.argBytes, costUsd: 0.0001 };
let n = 0;
const ctx = () => ({ sessionId: `s${n++ % 8}`, principal: "local", workspaceKey: rt.workspace });

const bare = await Deno.openKv(join(root, "bare.kv"));
const entry = new Uint8Array(340).fill(97);
let k = 0;

Deno.bench(
  "bare KV atomic commit of a 340-byte entry",
  { group: "one", baseline: true },
  async () => {
    await bare.atomic().set(["e", k++], entry).commit();
  },
);

Deno.bench(
  "durable decision (policy, token verify, budget, audit in one commit)",
  { group: "one" },
  async () => {
    const d = await rt.interceptor.intercept(call, ctx());
    if (d.kind !== "allow") throw new Error(JSON.stringify(d));
  },
);

Deno.bench(
  "200 decisions in flight (group commit), per batch of 200",
  { group: "many" },
  async () => {
    const ds = await Promise.all(
      Array.from({ length: 200 }, () => rt.interceptor.intercept(call, ctx())),
    );
    if (ds.some((d) => d.kind !== "allow")) throw new Error("denied");
  },
);

globalThis.addEventListener("unload", () => {
  bare.close();
});
