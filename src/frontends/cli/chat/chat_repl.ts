/**
 * The interactive chat: one loop over one inbox of keys, backend events and
 * spinner ticks, so everything happens in arrival order and a test can drive
 * it by feeding key bytes to a fake terminal.
 *
 * Two modes. Editing: the line editor owns the bottom of the screen.
 * In a turn: the answer streams as rendered Markdown; a spinner shows while
 * nothing streams; approval requests open the approval prompt; Ctrl-C cancels
 * the turn, and a second Ctrl-C in a row exits.
 *
 * @module
 */

import { ctl, rowsOf, safeText, style } from "./ansi.ts";
import {
  type ApprovalPromptState,
  openApprovalPrompt,
  promptKey,
  renderApprovalBody,
  renderChoices,
  renderChosen,
} from "./approval_prompt.ts";
import type { ChatBackend, ChatEvent, ChatSession, LiveApprovalView } from "./chat_backend.ts";
import type { Clipboard } from "./clipboard.ts";
import { type Key, KeyDecoder } from "./decode_keys.ts";
import { Inbox } from "./inbox.ts";
import type { InputHistory } from "./input_history.ts";
import { editLine, type EditorState, EMPTY_EDITOR, layoutEditor } from "./line_editor.ts";
import { MarkdownStream } from "./render_markdown.ts";
import { type LastAnswer, parseSlash, runSlash } from "./slash_commands.ts";
import type { Terminal } from "./terminal.ts";
import { describeToolResult, describeToolStart, describeTurnEnd } from "./turn_lines.ts";

/** Starts a repeating timer; returns a function that stops it. */
export type Ticker = (fn: () => void, ms: number) => () => void;

/** A real timer. */
export const intervalTicker: Ticker = (fn, ms) => {
  const id = setInterval(fn, ms);
  return () => clearInterval(id);
};

/** What the REPL runs on. */
export interface ChatReplOptions {
  readonly backend: ChatBackend;
  readonly terminal: Terminal;
  readonly session: ChatSession;
  readonly history: InputHistory;
  readonly clipboard: Clipboard;
  /** Default: {@link intervalTicker}. */
  readonly ticker?: Ticker;
  /** Printed once at start. */
  readonly banner?: string;
}

type Item =
  | { readonly kind: "key"; readonly key: Key }
  | { readonly kind: "event"; readonly event: ChatEvent }
  | { readonly kind: "input_end" }
  | { readonly kind: "tick" };

interface TurnView {
  readonly md: MarkdownStream;
  /** What the spinner says, or `undefined` while text streams. */
  spinner: string | undefined;
  readonly approvals: LiveApprovalView[];
  prompt: ApprovalPromptState | undefined;
  cancelling: boolean;
  usage: Extract<ChatEvent, { kind: "usage" }> | undefined;
  stopTicker: () => void;
}

const PROMPT = style.bold(style.cyan("› "));
const CONTINUATION = style.dim("… ");
const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const SPIN_MS = 100;
/** A lone ESC is the Escape key if nothing follows within this time. */
const ESC_WAIT_MS = 40;

/** The chat REPL. */
export class ChatRepl {
  readonly #o: ChatReplOptions;
  readonly #term: Terminal;
  readonly #inbox = new Inbox<Item>();
  readonly #decoder = new KeyDecoder();
  #editor: EditorState = EMPTY_EDITOR;
  /** The drawn editor's cursor row, from its first row; `undefined` when not drawn. */
  #editorRow: number | undefined;
  /** What occupies the screen's last line in a turn (partial text, spinner, choices). */
  #live = "";
  #turn: TurnView | undefined;
  #lastAnswer: LastAnswer | undefined;
  #interrupts = 0;
  #frame = 0;
  #exit: number | undefined;
  #inputEnded = false;

  constructor(o: ChatReplOptions) {
    this.#o = o;
    this.#term = o.terminal;
  }

  /** Resolves the next time the REPL waits for input with nothing queued (tests). */
  idle(): Promise<void> {
    return this.#inbox.idle();
  }

  /** Run until `/exit`, Ctrl-D, Ctrl-C twice or the end of input; returns the exit code. */
  async run(): Promise<number> {
    const t = this.#term;
    const unsubscribe = this.#o.backend.subscribe((event) =>
      this.#inbox.push({ kind: "event", event })
    );
    t.setRaw(true);
    t.write(ctl.bracketedPasteOn);
    const reader = this.#readKeys();
    try {
      if (this.#o.banner) t.write(this.#o.banner);
      this.#drawEditor();
      while (this.#exit === undefined) {
        const item = await this.#inbox.next();
        await this.#handle(item);
      }
      return this.#exit;
    } finally {
      unsubscribe();
      this.#turn?.stopTicker();
      this.#eraseLive();
      this.#eraseEditor();
      t.write(ctl.bracketedPasteOff + ctl.showCursor);
      t.setRaw(false);
      // The key reader stays parked on a read the process exit ends; nothing to await.
      void reader;
    }
  }

  async #readKeys(): Promise<void> {
    let escTimer: ReturnType<typeof setTimeout> | undefined;
    try {
      for (;;) {
        const chunk = await this.#term.read();
        if (escTimer !== undefined) clearTimeout(escTimer);
        if (chunk === null) {
          for (const key of this.#decoder.flush()) this.#inbox.push({ kind: "key", key });
          break;
        }
        for (const key of this.#decoder.feed(chunk)) this.#inbox.push({ kind: "key", key });
        if (this.#decoder.pending) {
          escTimer = setTimeout(() => {
            for (const key of this.#decoder.flush()) this.#inbox.push({ kind: "key", key });
          }, ESC_WAIT_MS);
        }
      }
    } catch {
      // The terminal went away: treat as the end of input.
    }
    this.#inbox.push({ kind: "input_end" });
  }

  async #handle(item: Item): Promise<void> {
    switch (item.kind) {
      case "key":
        return this.#turn !== undefined
          ? await this.#turnKey(item.key)
          : await this.#editKey(item.key);
      case "event":
        return this.#event(item.event);
      case "tick":
        return this.#tick();
      case "input_end":
        this.#inputEnded = true;
        if (this.#turn !== undefined) {
          await this.#o.backend.cancel(this.#o.session.id, "input ended");
        }
        this.#exit = 0;
        return;
    }
  }

  // ------------------------------------------------------------------ editing

  async #editKey(key: Key): Promise<void> {
    const { state, action } = editLine(this.#editor, key, this.#o.history.entries);
    if (action !== "interrupt") this.#interrupts = 0;
    switch (action) {
      case "none":
        this.#editor = state;
        this.#drawEditor();
        return;
      case "clearScreen":
        this.#term.write("\x1b[2J\x1b[H");
        this.#editorRow = undefined;
        this.#drawEditor();
        return;
      case "eof":
        this.#finishEditor();
        this.#exit = 0;
        return;
      case "interrupt": {
        this.#interrupts++;
        if (this.#interrupts >= 2) {
          this.#finishEditor();
          this.#exit = 0;
          return;
        }
        const hadText = this.#editor.text !== "";
        this.#finishEditor();
        this.#term.write(
          style.dim(hadText ? "^C\n" : "^C (press Ctrl-C again to exit, or type /exit)\n"),
        );
        this.#editor = EMPTY_EDITOR;
        this.#drawEditor();
        return;
      }
      case "submit":
        this.#editor = state;
        this.#finishEditor();
        return await this.#submit(state.text);
    }
  }

  async #submit(input: string): Promise<void> {
    this.#editor = EMPTY_EDITOR;
    const text = input.trim();
    if (text === "") {
      this.#drawEditor();
      return;
    }
    await this.#o.history.add(input).catch((e) =>
      this.#term.write(style.yellow(`(history not saved: ${(e as Error).message})\n`))
    );
    if (text.startsWith("/")) {
      await this.#slash(text);
      if (this.#exit === undefined) this.#drawEditor();
      return;
    }
    this.#startTurn();
    try {
      await this.#o.backend.send(this.#o.session.id, input);
    } catch (e) {
      this.#print(style.red(`Could not send: ${(e as Error).message}`) + "\n");
      this.#endTurn();
    }
  }

  async #slash(text: string): Promise<void> {
    const parsed = parseSlash(text);
    if (!parsed.ok) {
      this.#term.write(style.yellow(parsed.message) + "\n");
      return;
    }
    const r = await runSlash(parsed.command, {
      backend: this.#o.backend,
      sessionId: this.#o.session.id,
      lastAnswer: this.#lastAnswer,
      clipboard: this.#o.clipboard,
    });
    this.#term.write(r.output);
    if (r.exit) this.#exit = 0;
  }

  #drawEditor(): void {
    if (this.#turn !== undefined || this.#exit !== undefined) return;
    const layout = layoutEditor(this.#editor, PROMPT, CONTINUATION, this.#term.columns());
    let out = this.#editorRow !== undefined ? "\r" + ctl.up(this.#editorRow) : "\r";
    out += ctl.clearDown + layout.text;
    let endRow = layout.rows - 1;
    if (layout.cursorRow > endRow) {
      // The text ends exactly at the right margin: open the row the cursor goes to.
      out += "\r\n";
      endRow++;
    }
    out += ctl.up(endRow - layout.cursorRow) + ctl.column(layout.cursorColumn);
    this.#term.write(out);
    this.#editorRow = layout.cursorRow;
  }

  #eraseEditor(): void {
    if (this.#editorRow === undefined) return;
    this.#term.write("\r" + ctl.up(this.#editorRow) + ctl.clearDown);
    this.#editorRow = undefined;
  }

  /** Leave the editor's text on screen and move below it. */
  #finishEditor(): void {
    if (this.#editorRow === undefined) return;
    const layout = layoutEditor(this.#editor, PROMPT, CONTINUATION, this.#term.columns());
    this.#term.write(ctl.down(layout.rows - 1 - this.#editorRow) + "\r\n");
    this.#editorRow = undefined;
  }

  // ------------------------------------------------------------------ turns

  #startTurn(): void {
    if (this.#turn !== undefined) return;
    this.#eraseEditor();
    const stop = (this.#o.ticker ?? intervalTicker)(
      () => this.#inbox.push({ kind: "tick" }),
      SPIN_MS,
    );
    this.#turn = {
      md: new MarkdownStream({ columns: this.#term.columns() }),
      spinner: "thinking",
      approvals: [],
      prompt: undefined,
      cancelling: false,
      usage: undefined,
      stopTicker: stop,
    };
    this.#restoreLive();
  }

  #endTurn(): void {
    const turn = this.#turn;
    if (turn === undefined) return;
    turn.stopTicker();
    this.#eraseLive();
    this.#turn = undefined;
    this.#drawEditor();
  }

  async #turnKey(key: Key): Promise<void> {
    const turn = this.#turn!;
    if (key.kind === "interrupt") return await this.#interrupt();
    this.#interrupts = 0;
    if (turn.prompt === undefined) return; // Keys while the model works are not input.
    const out = promptKey(turn.prompt, key);
    switch (out.kind) {
      case "pending":
        turn.prompt = out.state;
        this.#setLive(renderChoices(out.state));
        return;
      case "interrupt":
        return await this.#interrupt();
      case "chosen": {
        const request = turn.prompt.request;
        turn.prompt = undefined;
        turn.approvals.shift();
        this.#eraseLive();
        this.#term.write(renderChosen(out.decision) + "\n");
        turn.spinner = "working";
        const answer = await this.#o.backend.answer(request.id, out.decision);
        if (!answer.ok) this.#print(style.yellow(`Answer not taken: ${answer.reason}`) + "\n");
        this.#nextPrompt();
        return;
      }
    }
  }

  async #interrupt(): Promise<void> {
    this.#interrupts++;
    const turn = this.#turn;
    if (this.#interrupts >= 2 || turn === undefined) {
      if (turn !== undefined) await this.#o.backend.cancel(this.#o.session.id, "the user exited");
      this.#exit = 0;
      return;
    }
    turn.prompt = undefined;
    turn.approvals.length = 0;
    turn.cancelling = true;
    turn.spinner = "cancelling";
    this.#print(
      turn.md.breakLine() + style.dim("^C cancelling the turn (Ctrl-C again exits)") + "\n",
    );
    await this.#o.backend.cancel(this.#o.session.id, "cancelled with Ctrl-C");
  }

  #nextPrompt(): void {
    const turn = this.#turn;
    if (turn === undefined || turn.prompt !== undefined) return;
    const next = turn.approvals[0];
    if (next === undefined) {
      this.#restoreLive();
      return;
    }
    turn.prompt = openApprovalPrompt(next.request, next.agent);
    this.#print(turn.md.breakLine() + renderApprovalBody(turn.prompt, this.#term.columns()));
  }

  #event(e: ChatEvent): void {
    const sid = this.#o.session.id;
    if (e.kind === "disconnected") {
      this.#eraseEditor();
      this.#print(style.red(`Disconnected: ${safeText(e.reason)}`) + "\n");
      this.#exit = 1;
      return;
    }
    if (e.kind === "turn_started" && e.sessionId === sid && this.#turn === undefined) {
      // A turn another client of this session started.
      this.#startTurn();
      return;
    }
    const turn = this.#turn;
    if (turn === undefined) {
      // Nothing runs here: show what arrived above the editor.
      const line = this.#outOfTurn(e);
      if (line !== "") {
        this.#eraseEditor();
        this.#term.write(line);
        this.#drawEditor();
      }
      return;
    }
    switch (e.kind) {
      case "text": {
        turn.spinner = undefined;
        const done = turn.md.push(e.text);
        if (done !== "") this.#print(done);
        else this.#restoreLive();
        return;
      }
      case "tool_started":
        turn.spinner = `running ${e.tool}`;
        this.#print(turn.md.breakLine() + describeToolStart(e, this.#term.columns()));
        return;
      case "tool_result":
        turn.spinner = "thinking";
        this.#print(describeToolResult(e, this.#term.columns()));
        return;
      case "approval_needed":
        turn.approvals.push({ sessionId: e.sessionId, agent: e.agent, request: e.request });
        turn.spinner = "waiting for your answer";
        this.#nextPrompt();
        return;
      case "approval_closed": {
        const at = turn.approvals.findIndex((a) => a.request.id === e.requestId);
        if (at < 0) return;
        turn.approvals.splice(at, 1);
        if (turn.prompt?.request.id === e.requestId) {
          turn.prompt = undefined;
          this.#eraseLive();
          this.#print(style.yellow(`Approval closed: ${safeText(e.reason)}`) + "\n");
          this.#nextPrompt();
        }
        return;
      }
      case "usage":
        turn.usage = e;
        return;
      case "warning":
        this.#print(turn.md.breakLine() + style.yellow(`! ${safeText(e.message)}`) + "\n");
        return;
      case "error":
        this.#print(
          turn.md.breakLine() + style.red(`error [${e.code}]: ${safeText(e.message)}`) + "\n",
        );
        return;
      case "subagent_started":
        this.#print(
          turn.md.breakLine() + style.dim(`↳ ${e.agent} started: ${safeText(e.description)}`) +
            "\n",
        );
        return;
      case "subagent_finished":
        this.#print(style.dim(`↳ ${e.agent} finished: ${e.status}`) + "\n");
        return;
      case "context_summarized":
        this.#print(style.dim(`(older context summarized: ${e.records} records)`) + "\n");
        return;
      case "turn_started":
        return;
      case "turn_complete": {
        if (e.sessionId !== sid) return;
        turn.spinner = undefined;
        this.#print(turn.md.end() + describeTurnEnd(e, turn.usage));
        this.#lastAnswer = { text: e.text, blocks: [...turn.md.blocks] };
        this.#endTurn();
        return;
      }
    }
  }

  /** An event that arrived while no turn runs, as lines (or ""). */
  #outOfTurn(e: ChatEvent): string {
    switch (e.kind) {
      case "warning":
        return style.yellow(`! ${safeText(e.message)}`) + "\n";
      case "error":
        return style.red(`error [${e.code}]: ${safeText(e.message)}`) + "\n";
      case "approval_needed":
        // Only possible for a turn this REPL does not show; say where to answer it.
        return style.yellow(
          `Approval requested in session ${e.sessionId}: ${safeText(e.request.summary.join("; "))}`,
        ) + "\n";
      default:
        return "";
    }
  }

  // ------------------------------------------------------------------ live line

  #tick(): void {
    const turn = this.#turn;
    if (turn === undefined || turn.spinner === undefined || turn.prompt !== undefined) return;
    if (turn.md.partial !== "") return;
    this.#frame = (this.#frame + 1) % SPINNER.length;
    this.#setLive(this.#spinnerLine(turn.spinner));
  }

  #spinnerLine(label: string): string {
    return `${style.cyan(SPINNER[this.#frame]!)} ${style.dim(`${label}… (Ctrl-C cancels)`)}`;
  }

  /** Print complete lines above the live line, then put the live line back. */
  #print(text: string): void {
    this.#eraseLive();
    this.#term.write(text);
    this.#restoreLive();
  }

  #restoreLive(): void {
    const turn = this.#turn;
    if (turn === undefined) return;
    if (turn.prompt !== undefined) this.#setLive(renderChoices(turn.prompt));
    else if (turn.md.partial !== "") this.#setLive(turn.md.partial);
    else if (turn.spinner !== undefined) this.#setLive(this.#spinnerLine(turn.spinner));
    else this.#eraseLive();
  }

  #setLive(text: string): void {
    this.#eraseLive();
    this.#term.write(text);
    this.#live = text;
  }

  #eraseLive(): void {
    if (this.#live === "") return;
    const rows = rowsOf(this.#live, this.#term.columns());
    this.#term.write("\r" + ctl.up(rows - 1) + ctl.clearDown);
    this.#live = "";
  }

  /** True once the input ended (tests). */
  get inputEnded(): boolean {
    return this.#inputEnded;
  }
}
