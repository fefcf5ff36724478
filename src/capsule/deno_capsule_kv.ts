/**
 * The Deno KV adapter of {@link CapsuleKv}: each value under
 * `["capsule_kv", capsuleId, key]`. A tuple key cannot be forged by a
 * capsule choosing a key with separators in it.
 *
 * @module
 */

import type { CapsuleKv } from "./capsule_kv.ts";

/** Key prefix of every capsule value in the KV store. */
export const CAPSULE_KV_PREFIX = "capsule_kv";

/** {@link CapsuleKv} over an open `Deno.Kv` (the caller owns and closes it). */
export class DenoCapsuleKv implements CapsuleKv {
  constructor(private readonly kv: Deno.Kv) {}

  async get(capsule: string, key: string): Promise<string | null> {
    const entry = await this.kv.get<string>([CAPSULE_KV_PREFIX, capsule, key]);
    return typeof entry.value === "string" ? entry.value : null;
  }

  async set(capsule: string, key: string, value: string | null): Promise<void> {
    if (value === null) await this.kv.delete([CAPSULE_KV_PREFIX, capsule, key]);
    else await this.kv.set([CAPSULE_KV_PREFIX, capsule, key], value);
  }
}
