import assert from "node:assert/strict";
import { type Key, KeyDecoder } from "./decode_keys.ts";
import {
  type EditAction,
  editLine,
  type EditorState,
  EMPTY_EDITOR,
  layoutEditor,
} from "./line_editor.ts";

const enc = new TextEncoder();

/** Feed `input` byte chunks through the decoder and the editor. */
function typeInto(
  chunks: readonly (string | Uint8Array)[],
  history: readonly string[] = [],
  start: EditorState = EMPTY_EDITOR,
): { state: EditorState; actions: EditAction[]; keys: Key[] } {
  const dec = new KeyDecoder();
  let state = start;
  const actions: EditAction[] = [];
  const keys: Key[] = [];
  for (const c of chunks) {
    for (const key of dec.feed(typeof c === "string" ? enc.encode(c) : c)) {
      keys.push(key);
      const r = editLine(state, key, history);
      state = r.state;
      if (r.action !== "none") actions.push(r.action);
    }
  }
  return { state, actions, keys };
}

Deno.test("KeyDecoder turns bytes into keys: text, controls, arrows, Home/End, Delete, word moves", () => {
  const dec = new KeyDecoder();
  const keys = dec.feed(
    enc.encode(
      "ab\x1b[A\x1b[B\x1b[C\x1b[D\x1bOH\x1b[F\x1b[3~\x1b[1;5D\x1b[1;5C\x7f\x03\x04\r\n\x1b\r",
    ),
  );
  assert.deepEqual(keys.map((k) => k.kind === "text" ? `text:${k.text}` : k.kind), [
    "text:ab",
    "up",
    "down",
    "right",
    "left",
    "home",
    "end",
    "delete",
    "wordLeft",
    "wordRight",
    "backspace",
    "interrupt",
    "eof",
    "enter",
    "newline",
    "newline",
  ]);
});

Deno.test("KeyDecoder completes sequences and UTF-8 characters split across chunks", () => {
  const dec = new KeyDecoder();
  assert.deepEqual(dec.feed(enc.encode("\x1b[")), []);
  assert.ok(dec.pending);
  assert.deepEqual(dec.feed(enc.encode("A")), [{ kind: "up" }]);
  const euro = enc.encode("€"); // three bytes
  assert.deepEqual(dec.feed(euro.subarray(0, 2)), []);
  assert.deepEqual(dec.feed(euro.subarray(2)), [{ kind: "text", text: "€" }]);
  // A lone ESC waits for what follows, then is the Escape key.
  assert.deepEqual(dec.feed(enc.encode("\x1b")), []);
  assert.deepEqual(dec.flush(), [{ kind: "escape" }]);
});

Deno.test("KeyDecoder delivers a bracketed paste as one key, newlines and escapes included, even when split", () => {
  const dec = new KeyDecoder();
  const keys = [
    ...dec.feed(enc.encode("x\x1b[200~line 1\r\nline 2\x1b[A")),
    ...dec.feed(enc.encode("\x1b[20")),
    ...dec.feed(enc.encode("1~y")),
  ];
  assert.deepEqual(keys, [
    { kind: "text", text: "x" },
    { kind: "paste", text: "line 1\nline 2\x1b[A" },
    { kind: "text", text: "y" },
  ]);
});

Deno.test("the editor inserts, moves and deletes at the cursor", () => {
  const r = typeInto([
    "helo",
    "\x1b[D",
    "l",
    "\x01",
    ">",
    "\x05",
    "!",
    "\x1b[D\x1b[D",
    "\x7f",
    "\x1b[3~",
  ]);
  assert.equal(r.state.text, ">hel!");
  assert.equal(r.state.cursor, 4);
  const words = typeInto(["one two three", "\x17"]);
  assert.equal(words.state.text, "one two ");
  const kill = typeInto(["abc def", "\x1b[1;5D", "\x0b"]);
  assert.equal(kill.state.text, "abc ");
  const start = typeInto(["abc def", "\x1b[D\x1b[D", "\x15"]);
  assert.equal(start.state.text, "ef");
  assert.equal(start.state.cursor, 0);
});

Deno.test("the editor moves and deletes whole characters outside the BMP", () => {
  const r = typeInto(["a😀b", "\x1b[D\x1b[D", "\x7f"]);
  assert.equal(r.state.text, "😀b");
  const d = typeInto(["a😀b", "\x01\x1b[C", "\x1b[3~"]);
  assert.equal(d.state.text, "ab");
});

Deno.test("Enter submits; a trailing backslash, Alt-Enter and Ctrl-J continue on a new line", () => {
  const sub = typeInto(["hello\r"]);
  assert.deepEqual(sub.actions, ["submit"]);
  assert.equal(sub.state.text, "hello");
  const cont = typeInto(["first \\\r", "second\x1b\r", "third\n", "fourth\r"]);
  assert.deepEqual(cont.actions, ["submit"]);
  assert.equal(cont.state.text, "first \nsecond\nthird\nfourth");
  // A backslash that is not at the end of the input does not continue.
  const mid = typeInto(["a\\b", "\x1b[D", "\r"]);
  assert.deepEqual(mid.actions, ["submit"]);
});

Deno.test("a paste with newlines is inserted and does not submit", () => {
  const r = typeInto(["say: ", "\x1b[200~one\ntwo\r\nthree\x1b[201~"]);
  assert.deepEqual(r.actions, []);
  assert.equal(r.state.text, "say: one\ntwo\nthree");
});

Deno.test("Up and Down browse history, keep the draft, and move between lines of a multi-line input", () => {
  const history = ["first", "second"];
  let r = typeInto(["draft", "\x1b[A"], history);
  assert.equal(r.state.text, "second");
  r = typeInto(["draft", "\x1b[A\x1b[A\x1b[A"], history);
  assert.equal(r.state.text, "first");
  r = typeInto(["draft", "\x1b[A\x1b[A\x1b[B\x1b[B"], history);
  assert.equal(r.state.text, "draft");
  // Editing a recalled entry makes it the draft.
  r = typeInto(["\x1b[A", "!", "\x1b[A", "\x1b[B"], history);
  assert.equal(r.state.text, "second!");
  // Inside a multi-line input, Up moves to the line above at the same column.
  r = typeInto(["abcd\nxy", "\x1b[A"], history);
  assert.equal(r.state.cursor, 2);
  assert.equal(r.state.historyIndex, 0);
  r = typeInto(["abcd\nxy", "\x1b[A", "\x1b[B"], history);
  assert.equal(r.state.cursor, 7);
});

Deno.test("Ctrl-C interrupts, Ctrl-D exits only on an empty input, Ctrl-L clears", () => {
  assert.deepEqual(typeInto(["x\x03"]).actions, ["interrupt"]);
  assert.deepEqual(typeInto(["\x04"]).actions, ["eof"]);
  const d = typeInto(["ab\x01\x04"]);
  assert.deepEqual(d.actions, []);
  assert.equal(d.state.text, "b");
  assert.deepEqual(typeInto(["\x0c"]).actions, ["clearScreen"]);
});

Deno.test("layoutEditor() places the cursor across prompts, wrapped rows, wide characters and lines", () => {
  const at = (text: string, cursor: number, columns: number) =>
    layoutEditor({ ...EMPTY_EDITOR, text, cursor }, "> ", ". ", columns);
  assert.deepEqual(at("", 0, 80), { text: "> ", rows: 1, cursorRow: 0, cursorColumn: 2 });
  const wrapped = at("abcdefghij", 10, 8); // "> " + 10 = 12 columns on 8
  assert.equal(wrapped.rows, 2);
  assert.deepEqual([wrapped.cursorRow, wrapped.cursorColumn], [1, 4]);
  const exact = at("abcdef", 6, 8); // exactly 8 wide: the cursor goes to the next row
  assert.equal(exact.rows, 1);
  assert.deepEqual([exact.cursorRow, exact.cursorColumn], [1, 0]);
  const lines = at("ab\ncd", 4, 80);
  assert.equal(lines.text, "> ab\r\n. cd");
  assert.deepEqual([lines.rows, lines.cursorRow, lines.cursorColumn], [2, 1, 3]);
  const wide = at("日本", 2, 80);
  assert.equal(wide.cursorColumn, 6);
  // Control characters typed into the input cannot reach the terminal.
  assert.equal(at("a\x1bb", 3, 80).text, "> a^[b");
});
