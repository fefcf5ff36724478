/**
 * The security core: actions, policy, capability tokens, budgets, approvals,
 * the audit chain and the interceptor that runs them in order. Deterministic
 * and free of `Deno.*`: time, randomness and storage come in through ports.
 *
 * @module
 */

export * from "./action.ts";
export * from "./glob.ts";
export * from "./keyring.ts";
export * from "./crypto/blake3.ts";
export * from "./crypto/ed25519.ts";
export * from "./path/mod.ts";
export * from "./budget/mod.ts";
export * from "./approval/mod.ts";
export * from "./interceptor/mod.ts";
export * from "./policy/mod.ts";
export * from "./classify/mod.ts";
export * from "./command/mod.ts";
export * from "./audit/mod.ts";
export * from "./provenance.ts";
export * from "./capability/mod.ts";
