/**
 * Capability tokens on Deno KV. Revocations and single-use consumptions are
 * durable and atomic: `consume()` commits only if no consumption record
 * exists yet (a `check` for versionstamp `null`), so when two processes race
 * to use one single-use token, exactly one of them gets `true`.
 *
 * Keys:
 * - `["tokens","t",id]` -> the signed token
 * - `["tokens","by",permission,scheme,id]` -> `true` (lookup index)
 * - `["tokens","revoked",id]` -> `{ at, reason, by }`
 * - `["tokens","used",id]` -> `{ at }`
 *
 * @module
 */

import type { Permission } from "../../security/action.ts";
import { type CapabilityToken, parseResource, parseToken } from "../../security/capability/mod.ts";
import { retryWhileBusy } from "../kv_retry.ts";

/** Keys other stores check atomically (the decision commit re-checks a token it relies on). */
export const TOKEN_KEYS = {
  revoked: (id: string): Deno.KvKey => ["tokens", "revoked", id],
  used: (id: string): Deno.KvKey => ["tokens", "used", id],
} as const;

/** A revocation record. */
export interface Revocation {
  readonly at: number;
  readonly reason: string;
  readonly by: string;
}

/** Token storage port. */
export interface TokenStore {
  put(token: CapabilityToken): Promise<void>;
  get(id: string): Promise<CapabilityToken | undefined>;
  list(): Promise<CapabilityToken[]>;
  /** Tokens granting `permission` on resources of `scheme`. */
  candidates(permission: Permission, scheme: string): Promise<CapabilityToken[]>;
  revoke(id: string, revocation: Revocation): Promise<boolean>;
  revocation(id: string): Promise<Revocation | undefined>;
  revokedIds(ids: readonly string[]): Promise<Set<string>>;
  consume(id: string, at: number): Promise<boolean>;
  consumedIds(ids: readonly string[]): Promise<Set<string>>;
}

/** The Deno KV adapter (a file or `:memory:`). */
export class KvTokenStore implements TokenStore {
  constructor(readonly kv: Deno.Kv) {}

  async put(token: CapabilityToken): Promise<void> {
    const scheme = parseResource(token.resource);
    if (!scheme.ok) throw new TypeError(`Cannot store token ${token.id}: ${scheme.reason}`);
    const op = this.kv.atomic().check({ key: ["tokens", "t", token.id], versionstamp: null })
      .set(["tokens", "t", token.id], token);
    for (const p of token.permissions) op.set(["tokens", "by", p, scheme.scheme, token.id], true);
    const r = await retryWhileBusy(() => op.commit());
    if (!r.ok) throw new Error(`token id ${token.id} already exists`);
  }

  async get(id: string): Promise<CapabilityToken | undefined> {
    const v = (await this.kv.get(["tokens", "t", id])).value;
    if (v === null) return undefined;
    const p = parseToken(v);
    return p.ok ? p.token : undefined;
  }

  async list(): Promise<CapabilityToken[]> {
    const out: CapabilityToken[] = [];
    for await (const e of this.kv.list({ prefix: ["tokens", "t"] })) {
      const p = parseToken(e.value);
      if (p.ok) out.push(p.token);
    }
    return out;
  }

  async candidates(permission: Permission, scheme: string): Promise<CapabilityToken[]> {
    const ids: string[] = [];
    for await (const e of this.kv.list({ prefix: ["tokens", "by", permission, scheme] })) {
      ids.push(String(e.key[e.key.length - 1]));
    }
    const out: CapabilityToken[] = [];
    for (let i = 0; i < ids.length; i += 10) {
      const got = await this.kv.getMany(ids.slice(i, i + 10).map((id) => ["tokens", "t", id]));
      for (const g of got) {
        const p = parseToken(g.value);
        if (p.ok) out.push(p.token);
      }
    }
    return out;
  }

  async revoke(id: string, revocation: Revocation): Promise<boolean> {
    if (!(await this.kv.get(["tokens", "t", id])).value) return false;
    await retryWhileBusy(() => this.kv.set(["tokens", "revoked", id], revocation));
    return true;
  }

  async revocation(id: string): Promise<Revocation | undefined> {
    return (await this.kv.get<Revocation>(["tokens", "revoked", id])).value ?? undefined;
  }

  revokedIds(ids: readonly string[]): Promise<Set<string>> {
    return this.#present("revoked", ids);
  }

  async consume(id: string, at: number): Promise<boolean> {
    const key = ["tokens", "used", id];
    const r = await retryWhileBusy(() =>
      this.kv.atomic().check({ key, versionstamp: null }).set(key, { at }).commit()
    );
    return r.ok;
  }

  consumedIds(ids: readonly string[]): Promise<Set<string>> {
    return this.#present("used", ids);
  }

  async #present(kind: string, ids: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    for (let i = 0; i < ids.length; i += 10) {
      const chunk = ids.slice(i, i + 10);
      const got = await this.kv.getMany(chunk.map((id) => ["tokens", kind, id]));
      got.forEach((g, j) => {
        if (g.value !== null) out.add(chunk[j]!);
      });
    }
    return out;
  }
}
