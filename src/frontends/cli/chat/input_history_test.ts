import assert from "node:assert/strict";
import { join } from "node:path";
import {
  fileHistoryStore,
  InputHistory,
  MAX_HISTORY,
  memoryHistoryStore,
  parseHistory,
} from "./input_history.ts";

async function withTemp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "astrid_history_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("history survives a restart, multi-line entries included, in a 0600 file", async () => {
  await withTemp(async (dir) => {
    const path = join(dir, "chat_history");
    const h = new InputHistory(fileHistoryStore(path));
    await h.load();
    await h.add("first");
    await h.add("two\nlines");
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
    const again = new InputHistory(fileHistoryStore(path));
    await again.load();
    assert.deepEqual(again.entries, ["first", "two\nlines"]);
  });
});

Deno.test("history skips blanks and repeats of the newest entry", async () => {
  const store = memoryHistoryStore();
  const h = new InputHistory(store);
  await h.load();
  for (const e of ["a", "a", "  ", "", "b", "a"]) await h.add(e);
  assert.deepEqual(h.entries, ["a", "b", "a"]);
  assert.deepEqual(store.lines, ["a", "b", "a"]);
});

Deno.test("history keeps the newest entries and compacts its file", async () => {
  const store = memoryHistoryStore(Array.from({ length: MAX_HISTORY + 5 }, (_, i) => `old ${i}`));
  const h = new InputHistory(store);
  await h.load();
  assert.equal(h.entries.length, MAX_HISTORY);
  assert.equal(h.entries[0], "old 5");
  for (let i = 0; i < MAX_HISTORY; i++) await h.add(`new ${i}`);
  assert.equal(h.entries.length, MAX_HISTORY);
  assert.equal(store.lines.length, MAX_HISTORY, "the store was rewritten with what is kept");
  assert.equal(store.lines.at(-1), `new ${MAX_HISTORY - 1}`);
});

Deno.test("a history file readable by others is made private again", async () => {
  await withTemp(async (dir) => {
    const path = join(dir, "chat_history");
    await Deno.writeTextFile(path, '"x"\n', { mode: 0o644 });
    await Deno.chmod(path, 0o644);
    const h = new InputHistory(fileHistoryStore(path));
    await h.load();
    assert.deepEqual(h.entries, ["x"]);
    assert.equal((await Deno.stat(path)).mode! & 0o777, 0o600);
  });
});

Deno.test("a history path that is a symlink is refused, not followed", async () => {
  await withTemp(async (dir) => {
    const target = join(dir, "elsewhere");
    await Deno.writeTextFile(target, '"secret"\n');
    const path = join(dir, "chat_history");
    await Deno.symlink(target, path);
    const store = fileHistoryStore(path);
    await assert.rejects(() => store.load(), /is not a regular file/);
    await assert.rejects(() => store.append("typed"), /is not a regular file/);
    assert.equal(await Deno.readTextFile(target), '"secret"\n');
  });
});

Deno.test("parseHistory() skips a torn last line and non-string lines", () => {
  assert.deepEqual(parseHistory('"a"\n42\n"b\\nc"\n"torn'), ["a", "b\nc"]);
});
