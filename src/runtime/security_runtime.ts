/**
 * Opens the security core for one process: config, keys, the state file, the
 * audit chain (verified on open), the admin policy, the decision store and the
 * interceptor, wired in the seed's order. Every frontend (CLI commands, the
 * daemon) goes through here, so they all share one set of rules.
 *
 * @module
 */

import { AstridError, type Clock, cryptoRandom, type Random } from "../core/mod.ts";
import { loadConfig, type LoadedConfig, type ResolvedConfig } from "../config/mod.ts";
import {
  type ApprovalChannel,
  checkPolicyExamples,
  type ClassifiedCall,
  classifyToolCall,
  type CompiledPolicy,
  compilePolicy,
  evaluatePolicy,
  type Keyring,
  modeDecision,
  NO_HUMAN,
  SecurityInterceptor,
  signerOf,
  staticVerdict,
  type WorkspaceMode,
} from "../security/mod.ts";
import {
  KvAuditLog,
  KvBatcher,
  KvDecisionStore,
  loadOrCreateKeyring,
  openStateKv,
  verifyKvAuditLog,
} from "../storage/mod.ts";
import { denoFsProbe } from "../workspace/deno_fs_probe.ts";
import { commandKeyOf } from "./command_key.ts";
import { createTokenGate, type KvTokenGate } from "./token_gate.ts";
import { auditAcknowledged } from "./audit_ack.ts";

/** How to open the runtime. */
export interface OpenSecurityOptions {
  readonly home: string;
  readonly workspace: string;
  readonly env: Readonly<Record<string, string>>;
  readonly sets?: readonly string[];
  /** Already loaded config (skips loading). */
  readonly loaded?: LoadedConfig;
  /** Where approval requests go; default: nobody (requests are queued). */
  readonly channel?: ApprovalChannel;
  readonly clock?: Clock;
  readonly random?: Random;
  /** Evaluate under this mode instead of the configured one (`policy check --mode`). */
  readonly mode?: WorkspaceMode;
}

/** The opened security core. Close it when done. */
export interface SecurityRuntime {
  readonly config: ResolvedConfig;
  readonly loaded: LoadedConfig;
  readonly home: string;
  /** Canonical workspace root. */
  readonly workspace: string;
  readonly keyring: Keyring;
  readonly kv: Deno.Kv;
  readonly audit: KvAuditLog;
  readonly store: KvDecisionStore;
  readonly tokens: KvTokenGate;
  readonly policy: CompiledPolicy;
  readonly interceptor: SecurityInterceptor;
  /** False when the chain failed verification at open and nobody acknowledged it. */
  readonly auditIntact: boolean;
  /** Classify a built-in tool call into canonical actions. */
  classify(tool: string, args: unknown, cwd?: string): ClassifiedCall;
  close(): Promise<void>;
}

const systemClock: Clock = { now: () => Date.now() };

/** Open the security core. Refuses to start on invalid config or failing policy examples. */
export async function openSecurityRuntime(o: OpenSecurityOptions): Promise<SecurityRuntime> {
  const clock = o.clock ?? systemClock;
  const random = o.random ?? cryptoRandom;
  const loaded = o.loaded ?? await loadConfig({
    home: o.home,
    workspace: o.workspace,
    env: o.env,
    sets: o.sets,
  });
  const config = loaded.config;
  const workspace = await Deno.realPath(o.workspace).catch((e) => {
    throw new AstridError(
      "CONFIG_INVALID",
      `Cannot open workspace "${o.workspace}": ${(e as Error).message}`,
      { cause: e },
    );
  });
  const kv = await openStateKv(o.home);
  const batcher = new KvBatcher(kv);
  try {
    const home = await Deno.realPath(o.home);
    const keyring = await loadOrCreateKeyring(home, { clock, random });
    const policy = compilePolicy(config.policy, { workspace, home });
    const settings = { ...config.workspace, ...(o.mode ? { mode: o.mode } : {}) };
    const policyFn = (
      a: Parameters<typeof evaluatePolicy>[1],
      meta: { tool: string; argBytes: number; capsule?: string },
    ) => evaluatePolicy(policy, a, meta);
    const modeFn = (a: Parameters<typeof evaluatePolicy>[1]) => modeDecision(a, settings, policy);
    const classify = (tool: string, args: unknown, cwd = workspace) =>
      classifyToolCall(tool, args, { cwd, workspace, probe: denoFsProbe });

    // Policy examples are checked when the config loads: a failing one refuses to start.
    const failures = checkPolicyExamples(config.policy.examples, (tool, args, mode) => {
      const c = classify(tool, args);
      if (!c.ok) return { decision: "deny", stage: "classify", reason: c.reason };
      const s = { ...config.workspace, ...(mode ? { mode } : {}) };
      const v = staticVerdict(
        { tool, actions: c.actions, argBytes: c.argBytes },
        policyFn,
        (a) => modeDecision(a, s, policy),
      );
      if (v.kind === "deny") return { decision: "deny", rule: v.rule, reason: v.reason };
      const ask = v.policyAsk ?? v.modeAsk;
      return ask ? { decision: "ask", rule: ask.rule, reason: ask.reason } : "allow";
    });
    if (failures.length > 0) {
      throw new AstridError(
        "CONFIG_EXAMPLE_FAILED",
        `Policy examples failed, refusing to start:\n${
          failures.map((f) => `  ${f.message}`).join("\n")
        }`,
      );
    }

    const audit = new KvAuditLog(kv, {
      signer: signerOf(keyring),
      batcher,
      clock,
      random,
      checkpointEvery: config.audit.checkpoint_every,
    });
    // Verify the chain on open: a broken chain refuses risky actions until acknowledged.
    const verdict = await verifyKvAuditLog(kv, { trusted: keyring, record: { clock } });
    const auditIntact = verdict.intact || await auditAcknowledged(kv, verdict);
    const store = new KvDecisionStore({
      kv,
      batcher,
      append: (tx, draft) => audit.appendIn(tx, draft),
      clock,
      budget: config.budget,
      denialLimits: config.approval,
    });
    store.setAuditIntact(auditIntact);
    const tokens = createTokenGate({
      kv,
      audit,
      keyring,
      clock,
      random,
      ttlMs: config.approval.always_ttl_secs * 1000,
      skewMs: config.approval.token_skew_secs * 1000,
    });
    const interceptor = new SecurityInterceptor({
      policy: policyFn,
      mode: modeFn,
      tokens,
      store,
      channel: o.channel ?? NO_HUMAN,
      commandKey: (a) => commandKeyOf(a),
      clock,
      random,
      config: {
        approvalTimeoutMs: config.approval.timeout_secs * 1000,
        deferredTtlMs: config.approval.queue_ttl_secs * 1000,
        denialLimits: config.approval,
        budget: config.budget,
      },
    });
    return {
      config,
      loaded,
      home,
      workspace,
      keyring,
      kv,
      audit,
      store,
      tokens,
      policy,
      interceptor,
      auditIntact,
      classify,
      async close() {
        await batcher.close();
        kv.close();
      },
    };
  } catch (e) {
    await batcher.close().catch(() => {});
    kv.close();
    throw e;
  }
}
