/**
 * The REPL's persistent input history: one JSON string per line (so an
 * entry can hold newlines) in a file readable only by its owner (0600),
 * because people paste secrets into prompts. A history file that is a
 * symbolic link or not a regular file is refused, not followed.
 *
 * @module
 */

/** Entries kept in memory and in the file. */
export const MAX_HISTORY = 1000;

/** Where entries are kept. */
export interface HistoryStore {
  load(): Promise<string[]>;
  append(entry: string): Promise<void>;
  /** Replace the whole file with `entries` (compaction). */
  rewrite(entries: readonly string[]): Promise<void>;
}

/** The history of one REPL: oldest first, no empty entries, no consecutive duplicates. */
export class InputHistory {
  readonly #store: HistoryStore;
  #entries: string[] = [];
  #appended = 0;

  constructor(store: HistoryStore) {
    this.#store = store;
  }

  /** Read the stored entries. */
  async load(): Promise<void> {
    this.#entries = (await this.#store.load()).slice(-MAX_HISTORY);
  }

  /** Oldest first. */
  get entries(): readonly string[] {
    return this.#entries;
  }

  /** Remember `entry` (not blank, not equal to the newest) and store it. */
  async add(entry: string): Promise<void> {
    if (entry.trim() === "" || this.#entries.at(-1) === entry) return;
    this.#entries.push(entry);
    this.#appended++;
    if (this.#entries.length > MAX_HISTORY) this.#entries.shift();
    // Compact once the file holds twice what is kept.
    if (this.#appended >= MAX_HISTORY) {
      this.#appended = 0;
      await this.#store.rewrite(this.#entries);
    } else {
      await this.#store.append(entry);
    }
  }
}

/** Parse the file's lines; damaged lines are skipped. */
export function parseHistory(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    try {
      const v = JSON.parse(line);
      if (typeof v === "string") out.push(v);
    } catch {
      // A torn last line from a crash: skip it.
    }
  }
  return out;
}

/** A history file on disk, created 0600 and kept 0600. */
export function fileHistoryStore(path: string): HistoryStore {
  const check = async (): Promise<boolean> => {
    let info: Deno.FileInfo;
    try {
      info = await Deno.lstat(path);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return false;
      throw e;
    }
    if (!info.isFile) {
      throw new TypeError(`The chat history "${path}" is not a regular file; not using it`);
    }
    if (info.mode !== null && (info.mode & 0o077) !== 0) await Deno.chmod(path, 0o600);
    return true;
  };
  return {
    async load() {
      if (!await check()) return [];
      return parseHistory(await Deno.readTextFile(path));
    },
    async append(entry) {
      await check();
      await Deno.writeTextFile(path, JSON.stringify(entry) + "\n", {
        append: true,
        create: true,
        mode: 0o600,
      });
    },
    async rewrite(entries) {
      const tmp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
      await Deno.writeTextFile(tmp, entries.map((e) => JSON.stringify(e) + "\n").join(""), {
        createNew: true,
        mode: 0o600,
      });
      await Deno.rename(tmp, path);
    },
  };
}

/** A history kept in memory (tests, or when the file cannot be used). */
export function memoryHistoryStore(initial: readonly string[] = []): HistoryStore & {
  readonly lines: string[];
} {
  const lines = [...initial];
  return {
    lines,
    load: () => Promise.resolve([...lines]),
    append(entry) {
      lines.push(entry);
      return Promise.resolve();
    },
    rewrite(entries) {
      lines.splice(0, lines.length, ...entries);
      return Promise.resolve();
    },
  };
}
