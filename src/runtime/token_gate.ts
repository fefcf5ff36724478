/**
 * The interceptor's token stage bound to the KV token store: finds a valid
 * token covering an action (signature checked against the trusted keys,
 * then expiry, revocation, consumption, principal, session, permission and
 * scope), spends single-use tokens atomically, and mints the persistent token
 * for "Allow Always", recording the grant in the audit log.
 *
 * @module
 */

import type { Clock, Random } from "../core/mod.ts";
import {
  type Action,
  type CapabilityToken,
  type EntryRef,
  issueToken,
  type Keyring,
  type Permission,
  resourceOf,
  signerOf,
  type TokenGate,
  tokenHash,
  type TokenMatch,
  tokenSignatureValid,
  trustedPublicKey,
  verifyToken,
} from "../security/mod.ts";
import { escapeGlob } from "../security/policy/mod.ts";
import { type KvAuditLog, KvTokenStore, type Revocation } from "../storage/mod.ts";
import { commandKeyOf } from "./command_key.ts";

/** How long token candidates are served from memory. */
const CANDIDATE_TTL_MS = 1000;

/** The gate plus its store (for `astrid tokens`). */
export interface KvTokenGate extends TokenGate {
  readonly store: KvTokenStore;
  /** Revoke a token; takes effect at once in this process (and within a second elsewhere). */
  revoke(id: string, revocation: Revocation): Promise<boolean>;
}

/** What the gate needs. */
export interface TokenGateOptions {
  readonly kv: Deno.Kv;
  readonly keyring: Keyring;
  readonly clock: Clock;
  readonly random: Random;
  /** Lifetime of an Allow Always token. */
  readonly ttlMs: number;
  readonly skewMs: number;
  /** Where token grants are recorded; omitted only in read-only dry runs. */
  readonly audit?: KvAuditLog;
}

/** What a token must cover for `action`: one (resource, permission) per requirement. */
export function tokenRequirements(
  action: Action,
): { resource: string; permission: Permission }[] | undefined {
  if (action.kind === "command") {
    // Only a plain, rememberable command can be covered by exec:// tokens: never a
    // chain, inline code or a substitution, whose parts a token for one program must not cover.
    if (commandKeyOf(action) === undefined) return undefined;
    const exes = action.executables ?? [];
    if (exes.length === 0) return undefined;
    return exes.map((e) => ({ resource: `exec://${e}`, permission: "execute" as const }));
  }
  return [resourceOf(action)];
}

/** Build the gate. */
export function createTokenGate(o: TokenGateOptions): KvTokenGate {
  const store = new KvTokenStore(o.kv);
  const trusted = (k: string) => trustedPublicKey(o.keyring, k);
  // Signature checks (and token hashes) are cached per token object. Candidates are
  // immutable objects freshly decoded from KV, so a changed token is a new object and
  // is verified again; expiry, revocation and use are re-checked on every use.
  const checked = new WeakMap<CapabilityToken, { valid: boolean; hash: string }>();
  const facts = (t: CapabilityToken) => {
    let f = checked.get(t);
    if (!f) {
      f = { valid: tokenSignatureValid(t, trusted), hash: tokenHash(t) };
      checked.set(t, f);
    }
    return f;
  };
  const signatureOk = (t: CapabilityToken) => facts(t).valid;

  // Candidates with their revocation and use state, per (permission, scheme), for a
  // second: the decision commit re-checks revocation and single use atomically, so a
  // stale entry can only cost a prompt or a recorded denial, never grant anything.
  const cache = new Map<
    string,
    { at: number; cands: CapabilityToken[]; revoked: Set<string>; used: Set<string> }
  >();
  async function lookup(permission: Permission, scheme: string) {
    const key = `${permission}\0${scheme}`;
    const hit = cache.get(key);
    if (hit && performance.now() - hit.at < CANDIDATE_TTL_MS) return hit;
    const cands = await store.candidates(permission, scheme);
    const ids = cands.map((t) => t.id);
    const [revoked, used] = ids.length
      ? await Promise.all([store.revokedIds(ids), store.consumedIds(ids)])
      : [new Set<string>(), new Set<string>()];
    const fresh = { at: performance.now(), cands, revoked, used };
    cache.set(key, fresh);
    return fresh;
  }

  async function findOne(
    req: { resource: string; permission: Permission },
    ctx: { principal: string; sessionId: string },
  ): Promise<CapabilityToken | undefined> {
    const scheme = req.resource.slice(0, req.resource.indexOf(":"));
    const { cands, revoked, used } = await lookup(req.permission, scheme);
    if (cands.length === 0) return undefined;
    const now = o.clock.now();
    const valid = cands.filter((t) =>
      signatureOk(t) &&
      verifyToken(t, { ...req, ...ctx }, {
        trusted,
        now,
        skewMs: o.skewMs,
        isRevoked: (id: string) => revoked.has(id),
        isConsumed: (id: string) => used.has(id),
        signatureVerified: true,
      }).ok
    );
    return valid.find((t) => !t.singleUse) ?? valid[0];
  }

  return {
    store,
    async revoke(id, revocation) {
      const ok = await store.revoke(id, revocation);
      cache.clear();
      return ok;
    },
    async find(action, ctx): Promise<TokenMatch | undefined> {
      const reqs = tokenRequirements(action);
      if (!reqs) return undefined;
      let match: CapabilityToken | undefined;
      for (const r of reqs) {
        const t = await findOne(r, ctx);
        if (!t) return undefined;
        if (!match || t.singleUse) match = t;
      }
      return match &&
        { tokenId: match.id, tokenHash: facts(match).hash, singleUse: match.singleUse };
    },
    async mintAlways(actions, ctx: { principal: string; sessionId: string; entry: EntryRef }) {
      const signer = signerOf(o.keyring);
      let first: string | undefined;
      for (const action of actions) {
        for (const r of tokenRequirements(action) ?? []) {
          const resource = exactPattern(r.resource);
          const token = issueToken({
            resource,
            permissions: [r.permission],
            scope: "persistent",
            principal: ctx.principal,
            auditEntryId: ctx.entry.id,
            auditEntryHash: ctx.entry.hash,
          }, { signer, clock: o.clock, random: o.random, ttlMs: o.ttlMs });
          await store.put(token);
          cache.clear();
          first ??= token.id;
          await o.audit?.append({
            sessionId: ctx.sessionId,
            principal: ctx.principal,
            kind: "event",
            summary: `Token granted: ${r.permission} on ${resource} until ${
              new Date(token.expiresAt).toISOString()
            }`,
            links: { decisionId: ctx.entry.id, decisionSeq: ctx.entry.seq, tokenId: token.id },
            detail: {
              type: "token_granted",
              tokenId: token.id,
              tokenHash: tokenHash(token),
              resource,
            },
          });
        }
      }
      return first ? { tokenId: first } : undefined;
    },
  };
}

/** A pattern that matches exactly `resource` (glob characters in names escaped). */
function exactPattern(resource: string): string {
  const i = resource.indexOf("://");
  return resource.slice(0, i + 3) + escapeGlob(resource.slice(i + 3));
}
