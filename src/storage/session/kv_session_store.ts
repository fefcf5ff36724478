/**
 * Agent sessions on Deno KV, written through the runtime's group-commit
 * engine so a conversation record can share a commit with the audit entry
 * written at the same moment.
 *
 * Key layout (the decision store keeps `denials` and `allow` under the same
 * `["sessions", sid]` prefix, so deleting a session drops its allowances too):
 * - `["sessions",sid,"meta"]` -> {@link SessionMeta}
 * - `["sessions",sid,"msg",index]` -> record header (the body inline, when small)
 * - `["sessions",sid,"chunk",index,n]` -> piece n of a large record's body
 * - `["session_index",sid]` -> `{principal, parentSessionId?, createdAt}` for listing
 *
 * Bodies are UTF-8 JSON. A body over {@link INLINE_BYTES} is written in
 * pieces first, each piece in its own commit, and its header last: a crash in
 * between leaves pieces no header points at, which nothing reads and delete
 * removes. Appends name the record count they expect, so a second writer in
 * the same session fails with `SESSION_CONFLICT` instead of interleaving.
 *
 * This store does not check who is asking: the runtime does
 * (`openOwnedSession`). Deleting a session never touches the audit log.
 *
 * @module
 */

import { AstridError } from "../../core/mod.ts";
import type { BatchTx, KvBatcher } from "../kv_batch.ts";
import {
  type NewSession,
  newSessionMeta,
  type SessionMeta,
  type SessionUsage,
  type StoredRecord,
} from "./session_meta.ts";

/** Bodies up to this many UTF-8 bytes are stored in the record's header. */
export const INLINE_BYTES = 60_000;
/** Pieces of a large body written per commit (each at most {@link INLINE_BYTES}). */
const CHUNKS_PER_COMMIT = 8;
/** Keys deleted per commit when a session is deleted. */
const DELETES_PER_COMMIT = 400;

/** The session store's keys. */
export const SESSION_KEYS = {
  meta: (sid: string): Deno.KvKey => ["sessions", sid, "meta"],
  record: (sid: string, index: number): Deno.KvKey => ["sessions", sid, "msg", index],
  records: (sid: string): Deno.KvKey => ["sessions", sid, "msg"],
  chunk: (sid: string, index: number, n: number): Deno.KvKey => [
    "sessions",
    sid,
    "chunk",
    index,
    n,
  ],
  chunks: (sid: string, index: number): Deno.KvKey => ["sessions", sid, "chunk", index],
  session: (sid: string): Deno.KvKey => ["sessions", sid],
  index: (sid: string): Deno.KvKey => ["session_index", sid],
  indexes: (): Deno.KvKey => ["session_index"],
} as const;

interface RecordHeader {
  readonly index: number;
  readonly turn: number;
  readonly at: number;
  readonly bytes: number;
  /** The body, when it fits; otherwise `chunks` pieces under `SESSION_KEYS.chunk`. */
  readonly inline?: Uint8Array;
  readonly chunks: number;
}

interface IndexEntry {
  readonly principal: string;
  readonly parentSessionId?: string;
  readonly createdAt: number;
}

/** A record to append: its body is any JSON value. */
export interface NewRecord {
  readonly turn: number;
  readonly at: number;
  readonly body: unknown;
}

/** A change to the meta made in the same commit as an append. */
export type MetaPatch = (meta: SessionMeta) => SessionMeta;

/** Filters for {@link KvSessionStore.list}. */
export interface SessionListFilter {
  readonly principal?: string;
  /** Only sessions created by this runtime workspace. */
  readonly workspace?: string;
  /** Include sub-agent sessions (default true). */
  readonly subagents?: boolean;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The session store. Shares the runtime's batcher and KV handle; closing them is the runtime's job. */
export class KvSessionStore {
  readonly #kv: Deno.Kv;
  readonly #batcher: KvBatcher;

  constructor(kv: Deno.Kv, batcher: KvBatcher) {
    this.#kv = kv;
    this.#batcher = batcher;
  }

  /** Create a session; fails with `SESSION_CONFLICT` if the id is taken. */
  create(s: NewSession): Promise<SessionMeta> {
    const meta = newSessionMeta(s);
    return this.#batcher.submit({
      prefetch: [SESSION_KEYS.meta(s.id)],
      build: async (tx) => {
        if (await tx.get(SESSION_KEYS.meta(s.id)) !== null) {
          throw new AstridError("SESSION_CONFLICT", `Session "${s.id}" already exists`);
        }
        tx.set(SESSION_KEYS.meta(s.id), meta);
        const entry: IndexEntry = {
          principal: s.principal,
          createdAt: s.createdAt,
          ...(s.parentSessionId !== undefined ? { parentSessionId: s.parentSessionId } : {}),
        };
        tx.set(SESSION_KEYS.index(s.id), entry);
        return meta;
      },
    });
  }

  /** The session's meta; `undefined` when there is none (or it is being deleted). */
  async get(sid: string): Promise<SessionMeta | undefined> {
    const m = (await this.#kv.get<SessionMeta>(SESSION_KEYS.meta(sid))).value;
    return m === null || m.status !== "active" ? undefined : m;
  }

  /** Change the meta in one commit; `patch` may run more than once (keep it pure). */
  update(sid: string, patch: MetaPatch): Promise<SessionMeta> {
    return this.#batcher.submit({
      prefetch: [SESSION_KEYS.meta(sid)],
      build: async (tx) => {
        const next = patch(await activeMeta(tx, sid));
        tx.set(SESSION_KEYS.meta(sid), next);
        return next;
      },
    });
  }

  /**
   * Append `records` at index `expectCount` onwards, with `patch` applied to
   * the meta in the same commit. Rejects with `SESSION_CONFLICT` when the
   * session holds a different number of records than the caller expected
   * (another writer got there first). Small records go in one job, which
   * joins whatever else is submitted in the same tick.
   */
  async append(
    sid: string,
    expectCount: number,
    records: readonly NewRecord[],
    patch?: MetaPatch,
  ): Promise<SessionMeta> {
    const encoded = records.map((r) => encoder.encode(JSON.stringify(r.body)));
    // Large bodies: pieces first (invisible until their header commits).
    for (let i = 0; i < records.length; i++) {
      const bytes = encoded[i]!;
      if (bytes.length <= INLINE_BYTES) continue;
      const index = expectCount + i;
      const pieces: Uint8Array[] = [];
      for (let at = 0; at < bytes.length; at += INLINE_BYTES) {
        pieces.push(bytes.subarray(at, at + INLINE_BYTES));
      }
      for (let first = 0; first < pieces.length; first += CHUNKS_PER_COMMIT) {
        await this.#batcher.run((tx) => {
          pieces.slice(first, first + CHUNKS_PER_COMMIT).forEach((p, k) =>
            tx.set(SESSION_KEYS.chunk(sid, index, first + k), p)
          );
        });
      }
    }
    return await this.#batcher.submit({
      prefetch: [SESSION_KEYS.meta(sid)],
      build: async (tx) => {
        const meta = await activeMeta(tx, sid);
        if (meta.messageCount !== expectCount) {
          throw new AstridError(
            "SESSION_CONFLICT",
            `Session "${sid}" has ${meta.messageCount} records, expected ${expectCount}: ` +
              "another process is writing to it",
          );
        }
        let last = meta.updatedAt;
        records.forEach((r, i) => {
          const bytes = encoded[i]!;
          const index = expectCount + i;
          const header: RecordHeader = bytes.length <= INLINE_BYTES
            ? { index, turn: r.turn, at: r.at, bytes: bytes.length, inline: bytes, chunks: 0 }
            : {
              index,
              turn: r.turn,
              at: r.at,
              bytes: bytes.length,
              chunks: Math.ceil(bytes.length / INLINE_BYTES),
            };
          tx.set(SESSION_KEYS.record(sid, index), header);
          last = Math.max(last, r.at);
        });
        const grown: SessionMeta = {
          ...meta,
          messageCount: expectCount + records.length,
          updatedAt: last,
        };
        const next = patch ? patch(grown) : grown;
        tx.set(SESSION_KEYS.meta(sid), next);
        return next;
      },
    });
  }

  /** Records from index `from` on, in order. Throws `SyntaxError` for a damaged record. */
  async records(sid: string, from = 0): Promise<StoredRecord[]> {
    const out: StoredRecord[] = [];
    const iter = this.#kv.list<RecordHeader>({
      prefix: SESSION_KEYS.records(sid),
      start: SESSION_KEYS.record(sid, from),
    }, { batchSize: 500 });
    for await (const e of iter) {
      const h = e.value;
      let bytes: Uint8Array;
      if (h.inline !== undefined) bytes = h.inline;
      else {
        const parts: Uint8Array[] = [];
        for await (
          const c of this.#kv.list<Uint8Array>({ prefix: SESSION_KEYS.chunks(sid, h.index) })
        ) {
          parts.push(c.value);
        }
        if (parts.length !== h.chunks) {
          throw new SyntaxError(
            `Session "${sid}" record ${h.index} has ${parts.length} of ${h.chunks} pieces`,
          );
        }
        bytes = concat(parts);
      }
      if (bytes.length !== h.bytes) {
        throw new SyntaxError(
          `Session "${sid}" record ${h.index} has ${bytes.length} bytes, expected ${h.bytes}`,
        );
      }
      out.push({ index: h.index, turn: h.turn, at: h.at, body: JSON.parse(decoder.decode(bytes)) });
    }
    return out;
  }

  /** Sessions, newest first. */
  async list(filter: SessionListFilter = {}): Promise<SessionMeta[]> {
    const ids: string[] = [];
    for await (const e of this.#kv.list<IndexEntry>({ prefix: SESSION_KEYS.indexes() })) {
      if (filter.principal !== undefined && e.value.principal !== filter.principal) continue;
      if (filter.subagents === false && e.value.parentSessionId !== undefined) continue;
      ids.push(String(e.key[1]));
    }
    const out: SessionMeta[] = [];
    for (let i = 0; i < ids.length; i += 10) {
      const got = await this.#kv.getMany<SessionMeta[]>(
        ids.slice(i, i + 10).map((id) => SESSION_KEYS.meta(id)),
      );
      for (const g of got) {
        const m = g.value;
        if (m === null || m.status !== "active") continue;
        if (filter.workspace !== undefined && m.workspace !== filter.workspace) continue;
        out.push(m);
      }
    }
    return out.sort((a, b) => b.updatedAt - a.updatedAt || (a.id < b.id ? -1 : 1));
  }

  /** Ids of the sessions whose parent is `sid`. */
  async children(sid: string): Promise<string[]> {
    const out: string[] = [];
    for await (const e of this.#kv.list<IndexEntry>({ prefix: SESSION_KEYS.indexes() })) {
      if (e.value.parentSessionId === sid) out.push(String(e.key[1]));
    }
    return out;
  }

  /**
   * Delete a session, its sub-agents' sessions, and everything stored under
   * them (records, allowances, denial counters). The audit log is not touched.
   * Returns the ids deleted. Hidden from reads from the first commit on.
   */
  async delete(sid: string): Promise<string[]> {
    const deleted: string[] = [];
    for (const child of await this.children(sid)) deleted.push(...await this.delete(child));
    const hidden = await this.#batcher.submit({
      prefetch: [SESSION_KEYS.meta(sid)],
      build: async (tx) => {
        const m = await tx.get<SessionMeta>(SESSION_KEYS.meta(sid));
        if (m === null) return false;
        tx.set(SESSION_KEYS.meta(sid), { ...m, status: "deleting" });
        tx.delete(SESSION_KEYS.index(sid));
        return true;
      },
    });
    if (!hidden) return deleted;
    const meta = SESSION_KEYS.meta(sid);
    for (;;) {
      const keys: Deno.KvKey[] = [];
      for await (
        const e of this.#kv.list({ prefix: SESSION_KEYS.session(sid) }, {
          limit: DELETES_PER_COMMIT + 1,
        })
      ) {
        if (!sameKey(e.key, meta)) keys.push(e.key);
      }
      if (keys.length === 0) break;
      await this.#batcher.run((tx) => {
        for (const k of keys.slice(0, DELETES_PER_COMMIT)) tx.delete(k);
      });
    }
    await this.#batcher.run((tx) => tx.delete(meta));
    deleted.push(sid);
    return deleted;
  }

  /**
   * Record one model call's usage on `sid` and add `micros` to the spending of
   * `sid` and every ancestor (a sub-agent's spending counts against its parents).
   */
  addUsage(
    sid: string,
    input: {
      readonly micros: number;
      readonly inputTokens: number;
      readonly outputTokens: number;
      /** Set when the model had no price: counted, charged nothing, remembered once. */
      readonly unpricedModel?: string;
    },
  ): Promise<SessionMeta> {
    return this.#batcher.submit({
      prefetch: [SESSION_KEYS.meta(sid)],
      build: async (tx) => {
        const meta = await activeMeta(tx, sid);
        const usage: SessionUsage = {
          calls: meta.usage.calls + 1,
          inputTokens: meta.usage.inputTokens + input.inputTokens,
          outputTokens: meta.usage.outputTokens + input.outputTokens,
          unpricedCalls: meta.usage.unpricedCalls + (input.unpricedModel !== undefined ? 1 : 0),
        };
        const u = input.unpricedModel;
        const next: SessionMeta = {
          ...meta,
          usage,
          spentMicros: meta.spentMicros + input.micros,
          unpricedModels: u !== undefined && !meta.unpricedModels.includes(u)
            ? [...meta.unpricedModels, u]
            : meta.unpricedModels,
        };
        tx.set(SESSION_KEYS.meta(sid), next);
        let parent = meta.parentSessionId;
        for (let hops = 0; parent !== undefined && input.micros > 0 && hops < 64; hops++) {
          const p = await tx.get<SessionMeta>(SESSION_KEYS.meta(parent));
          if (p === null || p.status !== "active") break;
          tx.set(SESSION_KEYS.meta(parent), { ...p, spentMicros: p.spentMicros + input.micros });
          parent = p.parentSessionId;
        }
        return next;
      },
    });
  }
}

async function activeMeta(tx: BatchTx, sid: string): Promise<SessionMeta> {
  const m = await tx.get<SessionMeta>(SESSION_KEYS.meta(sid));
  if (m === null || m.status !== "active") {
    throw new AstridError("NOT_FOUND", `No session "${sid}"`);
  }
  return m;
}

function sameKey(a: Deno.KvKey, b: Deno.KvKey): boolean {
  return a.length === b.length && a.every((p, i) => p === b[i]);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
