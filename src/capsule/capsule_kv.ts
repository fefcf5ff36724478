/**
 * Scoped key-value storage for capsules, as a port. The namespace is chosen by
 * the host (the capsule id it loaded), never by the capsule, so one capsule
 * cannot name another's keys. Not gated: a capsule only ever sees its own.
 *
 * @module
 */

/** Largest key, in UTF-8 bytes. */
export const MAX_KV_KEY_BYTES = 512;
/** Largest value, in UTF-8 bytes (Deno KV allows 64 KiB per value). */
export const MAX_KV_VALUE_BYTES = 60 * 1024;

/** Per-capsule key-value storage. */
export interface CapsuleKv {
  get(capsule: string, key: string): Promise<string | null>;
  /** Set `key`; `null` deletes it. */
  set(capsule: string, key: string, value: string | null): Promise<void>;
}

/** In-memory {@link CapsuleKv} for tests and benches. */
export class MemoryCapsuleKv implements CapsuleKv {
  readonly #data = new Map<string, Map<string, string>>();

  get(capsule: string, key: string): Promise<string | null> {
    return Promise.resolve(this.#data.get(capsule)?.get(key) ?? null);
  }

  set(capsule: string, key: string, value: string | null): Promise<void> {
    let space = this.#data.get(capsule);
    if (!space) this.#data.set(capsule, space = new Map());
    if (value === null) space.delete(key);
    else space.set(key, value);
    return Promise.resolve();
  }
}
