import assert from "node:assert/strict";
import { FakeClock, SeededRandom } from "../../core/mod.ts";
import type { Action } from "../action.ts";
import type { ApprovalAnswer, ApprovalChannel, ApprovalRequest } from "../approval/approval.ts";
import { FakeDecisionStore } from "./fake_decision_store.ts";
import { type CallContext, type ProposedCall, SecurityInterceptor } from "./intercept.ts";
import type { StageVerdict, TokenGate, TokenMatch } from "./ports.ts";

const ctx: CallContext = { sessionId: "s1", principal: "local", workspaceKey: "/w" };
const del: Action = { kind: "file_delete", path: "/home/u/important.txt", inWorkspace: false };
const etc: Action = { kind: "file_read", path: "/etc/shadow", inWorkspace: false };
const readIn: Action = { kind: "file_read", path: "/w/a.txt", inWorkspace: true };
const call = (actions: Action[], extra: Partial<ProposedCall> = {}): ProposedCall => ({
  tool: "test",
  actions,
  argBytes: 10,
  ...extra,
});

/** A channel that answers from a script and records what it was shown. */
class ScriptedChannel implements ApprovalChannel {
  readonly seen: ApprovalRequest[] = [];
  constructor(public answer: (r: ApprovalRequest) => ApprovalAnswer | "hang") {}
  request(r: ApprovalRequest, signal: AbortSignal): Promise<ApprovalAnswer> {
    this.seen.push(r);
    const a = this.answer(r);
    if (a !== "hang") return Promise.resolve(a);
    return new Promise((_, reject) =>
      signal.addEventListener("abort", () => reject(signal.reason))
    );
  }
}
const say =
  (decision: "allow_once" | "allow_session" | "allow_always" | "deny") =>
  (r: ApprovalRequest): ApprovalAnswer => ({
    kind: "answered",
    decision,
    actionHash: r.actionHash,
    answeredBy: "cli:tester",
  });

/** Token gate backed by a list; mintAlways adds to it. */
class ListTokens implements TokenGate {
  readonly tokens: { resource: string; match: TokenMatch }[] = [];
  minted = 0;
  constructor(readonly used: ReadonlySet<string>) {}
  find(action: Action): Promise<TokenMatch | undefined> {
    const r = action.kind === "file_delete" || action.kind === "file_read" ? action.path : "";
    return Promise.resolve(
      this.tokens.find((t) => t.resource === r && !this.used.has(t.match.tokenId))?.match,
    );
  }
  mintAlways(actions: readonly Action[]): Promise<{ tokenId: string }> {
    const id = `tok${++this.minted}`;
    for (const a of actions) {
      if (a.kind === "file_delete") {
        this.tokens.push({
          resource: a.path,
          match: { tokenId: id, tokenHash: "th", singleUse: false },
        });
      }
    }
    return Promise.resolve({ tokenId: id });
  }
}

function setup(
  channel: ApprovalChannel,
  opts: { mode?: (a: Action) => StageVerdict; timeoutMs?: number; alwaysAsk?: string[] } = {},
) {
  const store = new FakeDecisionStore(
    { session_usd: 1, action_usd: 0.5, warn_ratio: 0.8 },
    { max_consecutive_denials: 3, max_total_denials: 20 },
  );
  const tokens = new ListTokens(store.usedTokens);
  const interceptor = new SecurityInterceptor({
    policy: (a, meta) => {
      if ((a.kind === "file_read" || a.kind === "file_delete") && a.path.startsWith("/etc/")) {
        return { kind: "deny", rule: "floor:path:/etc/**", reason: `"${a.path}" is under /etc` };
      }
      if (opts.alwaysAsk?.includes(meta.tool)) {
        return { kind: "ask", rule: "config:policy.always_ask_tools", reason: "always ask" };
      }
      return { kind: "allow" };
    },
    mode: opts.mode ??
      ((a) =>
        a.kind === "file_read" && a.inWorkspace
          ? { kind: "allow" }
          : { kind: "ask", rule: "mode:safe", reason: "safe mode asks" }),
    tokens,
    store,
    channel,
    commandKey: () => undefined,
    clock: new FakeClock(),
    random: new SeededRandom(7),
    config: {
      approvalTimeoutMs: opts.timeoutMs ?? 1000,
      deferredTtlMs: 60_000,
      denialLimits: { max_consecutive_denials: 3, max_total_denials: 20 },
      budget: { session_usd: 1, action_usd: 0.5, warn_ratio: 0.8 },
    },
  });
  return { interceptor, store, tokens };
}

Deno.test("intercept() lets a policy block stand even with a covering token and a willing human", async () => {
  const ch = new ScriptedChannel(say("allow_always"));
  const { interceptor, store, tokens } = setup(ch);
  tokens.tokens.push({
    resource: "/etc/shadow",
    match: { tokenId: "t", tokenHash: "h", singleUse: false },
  });
  const d = await interceptor.intercept(call([etc]), ctx);
  assert.equal(d.kind, "deny");
  assert.equal(d.kind === "deny" && d.stage, "policy");
  assert.equal(ch.seen.length, 0, "the human is never asked about a policy block");
  assert.equal(store.entries.length, 1);
});

Deno.test("intercept() follows the seed's Allow Always flow: ask once, mint a token, never ask again", async () => {
  const ch = new ScriptedChannel(say("allow_always"));
  const { interceptor, store, tokens } = setup(ch);
  const first = await interceptor.intercept(call([del]), ctx);
  assert.equal(first.kind, "allow");
  assert.equal(first.kind === "allow" && first.via, "approval");
  assert.equal(first.kind === "allow" && first.tokenId, "tok1");
  assert.deepEqual(ch.seen[0]?.summary, ["Delete file: /home/u/important.txt"]);
  assert.equal(ch.seen[0]?.risk, "high");
  const second = await interceptor.intercept(call([del]), ctx);
  assert.equal(second.kind === "allow" && second.via, "token");
  assert.equal(ch.seen.length, 1, "the token skipped the prompt");
  assert.equal(tokens.minted, 1);
  assert.equal(store.entries.length, 2, "exactly one decision entry per call");
});

Deno.test("intercept() stores Allow Session as an allowance that covers only that action", async () => {
  const ch = new ScriptedChannel(say("allow_session"));
  const { interceptor, store } = setup(ch);
  assert.equal((await interceptor.intercept(call([del]), ctx)).kind, "allow");
  const again = await interceptor.intercept(call([del]), ctx);
  assert.equal(again.kind === "allow" && again.via, "allowance");
  const other: Action = { kind: "file_delete", path: "/home/u/other.txt", inWorkspace: false };
  await interceptor.intercept(call([other]), ctx);
  assert.equal(ch.seen.length, 2, "a different file is asked about again");
  const otherSession = await interceptor.intercept(call([del]), { ...ctx, sessionId: "s2" });
  assert.equal(otherSession.kind, "allow");
  assert.equal(ch.seen.length, 3, "allowances do not leak across sessions");
  assert.equal(store.allowances.get("s1")?.[0]?.auditEntryId, "e1");
});

Deno.test("intercept() records a human denial and does not allow", async () => {
  const { interceptor, store } = setup(new ScriptedChannel(say("deny")));
  const d = await interceptor.intercept(call([del]), ctx);
  assert.equal(d.kind === "deny" && d.stage, "approval");
  const e = store.entries[0];
  assert.equal(e?.kind === "decision" && e.record.decision, "deny");
  assert.equal(e?.kind === "decision" && e.record.proof.approval?.answeredBy, "cli:tester");
});

Deno.test("intercept() queues the request when nobody is there, and never runs it", async () => {
  const { interceptor, store } = setup(
    new ScriptedChannel(() => ({ kind: "unavailable", reason: "no frontend" })),
  );
  const d = await interceptor.intercept(call([del]), ctx);
  assert.equal(d.kind, "defer");
  assert.equal(store.queue.size, 1);
  assert.equal(store.entries[0]?.kind === "decision" && store.entries[0].record.decision, "defer");
});

Deno.test("intercept() defers when the human does not answer in time", async () => {
  const ch = new ScriptedChannel(() => "hang");
  const { interceptor } = setup(ch, { timeoutMs: 20 });
  const d = await interceptor.intercept(call([del]), ctx);
  assert.equal(d.kind, "defer");
  assert.match(d.kind === "defer" ? d.reason : "", /no answer within 0 s|pending human approval/);
});

Deno.test("intercept() runs a queued request once a human approved it from the queue", async () => {
  const { interceptor, store } = setup(
    new ScriptedChannel(() => ({ kind: "unavailable", reason: "away" })),
  );
  const d = await interceptor.intercept(call([del]), ctx);
  assert.equal(d.kind, "defer");
  const q = [...store.queue.values()][0]!;
  q.status = "approved";
  const again = await interceptor.intercept(call([del]), ctx);
  assert.equal(again.kind === "allow" && again.via, "deferred_approval");
  assert.equal(q.status, "used");
  const third = await interceptor.intercept(call([del]), ctx);
  assert.equal(third.kind, "defer", "a queued approval is used once");
});

Deno.test("intercept() rejects an answer bound to a different action", async () => {
  const ch = new ScriptedChannel((r) => ({ ...say("allow_once")(r), actionHash: "0".repeat(64) }));
  const { interceptor } = setup(ch);
  const d = await interceptor.intercept(call([del]), ctx);
  assert.equal(d.kind === "deny" && d.rule, "approval:mismatch");
});

Deno.test("intercept() fails closed when the audit write fails", async () => {
  const { interceptor, store } = setup(new ScriptedChannel(say("allow_once")));
  store.failWrites = true;
  const d = await interceptor.intercept(call([readIn]), ctx);
  assert.equal(d.kind, "deny");
  assert.equal(d.kind === "deny" && d.stage, "audit");
});

Deno.test("intercept() refuses everything risky while the audit chain is broken", async () => {
  const { interceptor, store } = setup(new ScriptedChannel(say("allow_once")));
  store.auditIntact = false;
  const d = await interceptor.intercept(call([readIn]), ctx);
  assert.equal(d.kind === "deny" && d.rule, "audit:chain_broken");
});

Deno.test("intercept() enforces the per-action and session budgets", async () => {
  const { interceptor, store } = setup(new ScriptedChannel(say("allow_once")));
  const big = await interceptor.intercept(call([readIn], { costUsd: 0.6 }), ctx);
  assert.equal(big.kind === "deny" && big.rule, "budget:action");
  const a = await interceptor.intercept(call([readIn], { costUsd: 0.5 }), ctx);
  const b = await interceptor.intercept(call([readIn], { costUsd: 0.45 }), ctx);
  const c = await interceptor.intercept(call([readIn], { costUsd: 0.1 }), ctx);
  assert.deepEqual([a.kind, b.kind, c.kind], ["allow", "allow", "deny"]);
  assert.equal(c.kind === "deny" && c.stage, "budget");
  if (a.kind === "allow") await interceptor.complete(a, ctx, { ok: false, error: "boom" });
  const d = await interceptor.intercept(call([readIn], { costUsd: 0.1 }), ctx);
  assert.equal(d.kind, "allow", "a failed action's reservation is refunded");
  assert.equal(store.entries.filter((e) => e.kind === "outcome").length, 1);
});

Deno.test("intercept() pauses the session after 3 consecutive denials", async () => {
  const { interceptor } = setup(new ScriptedChannel(say("deny")));
  for (let i = 0; i < 3; i++) await interceptor.intercept(call([del]), ctx);
  const d = await interceptor.intercept(call([readIn]), ctx);
  assert.equal(d.kind === "deny" && d.rule, "session:paused");
});

Deno.test("intercept() spends a single-use token exactly once", async () => {
  const { interceptor, tokens } = setup(new ScriptedChannel(say("deny")));
  tokens.tokens.push({
    resource: del.kind === "file_delete" ? del.path : "",
    match: { tokenId: "once", tokenHash: "h", singleUse: true },
  });
  const a = await interceptor.intercept(call([del]), ctx);
  const b = await interceptor.intercept(call([del]), ctx);
  assert.equal(a.kind === "allow" && a.via, "token");
  assert.equal(b.kind, "deny", "the second use falls through to the human, who denies");
});

Deno.test("intercept() asks about always-ask tools even when a token covers the action", async () => {
  const ch = new ScriptedChannel(say("allow_once"));
  const { interceptor, tokens } = setup(ch, { alwaysAsk: ["test"] });
  tokens.tokens.push({
    resource: "/home/u/important.txt",
    match: { tokenId: "t", tokenHash: "h", singleUse: false },
  });
  const d = await interceptor.intercept(call([del]), ctx);
  assert.equal(d.kind === "allow" && d.via, "approval");
  assert.equal(ch.seen.length, 1);
});

Deno.test("intercept() auto-allows what the workspace mode allows, without asking", async () => {
  const ch = new ScriptedChannel(say("deny"));
  const { interceptor } = setup(ch);
  const d = await interceptor.intercept(call([readIn]), ctx);
  assert.equal(d.kind === "allow" && d.via, "mode");
  assert.equal(ch.seen.length, 0);
});

Deno.test("intercept() treats a cancelled turn as no answer: the request is queued, not run", async () => {
  const ch = new ScriptedChannel(() => "hang");
  const { interceptor } = setup(ch, { timeoutMs: 5000 });
  const ac = new AbortController();
  const p = interceptor.intercept(call([del]), { ...ctx, signal: ac.signal });
  setTimeout(() => ac.abort(), 5);
  const d = await p;
  assert.equal(d.kind, "defer");
});

Deno.test("dryRun() reports the decision without asking, consuming or recording anything", async () => {
  const ch = new ScriptedChannel(say("allow_once"));
  const { interceptor, store, tokens } = setup(ch);
  tokens.tokens.push({
    resource: "/home/u/important.txt",
    match: { tokenId: "once", tokenHash: "h", singleUse: true },
  });
  const blocked = await interceptor.dryRun(call([etc]), ctx);
  assert.deepEqual([blocked.decision, blocked.stage, blocked.rule], [
    "deny",
    "policy",
    "floor:path:/etc/**",
  ]);
  const covered = await interceptor.dryRun(call([del]), ctx);
  assert.deepEqual([covered.decision, covered.rule], ["allow", "token:once"]);
  const other: Action = { kind: "file_delete", path: "/home/u/x", inWorkspace: false };
  assert.equal((await interceptor.dryRun(call([other]), ctx)).decision, "ask");
  assert.equal(store.entries.length, 0);
  assert.equal(ch.seen.length, 0);
  assert.equal(store.usedTokens.size, 0, "the single-use token is still unused");
});

Deno.test("intercept() re-checks revocation in the commit: a token revoked meanwhile denies", async () => {
  const ch = new ScriptedChannel(say("allow_once"));
  const { interceptor, store, tokens } = setup(ch);
  tokens.tokens.push({
    resource: "/home/u/important.txt",
    match: { tokenId: "t", tokenHash: "h", singleUse: false },
  });
  store.revokedTokens.add("t");
  const d = await interceptor.intercept(call([del]), ctx);
  assert.equal(d.kind === "deny" && d.rule, "token:revoked");
  assert.equal(store.entries.length, 1);
  assert.equal(store.entries[0]?.kind === "decision" && store.entries[0].record.decision, "deny");
});
