/**
 * `astrid chat`: the REPL (line editor, Markdown rendering, approval prompt,
 * slash commands), the one-turn `--print` runner, and the `ChatBackend` port
 * they talk through, with its daemon adapter and an in-memory fake.
 *
 * The daemon adapter (`connectDaemonBackend`) is not re-exported here: it
 * loads the daemon's client and is imported where a connection is made.
 *
 * @module
 */

export type {
  AnswerOutcome,
  BudgetView,
  ChatBackend,
  ChatEvent,
  ChatSession,
  LiveApprovalView,
  PendingApprovals,
  SendOptions,
  SessionChoice,
} from "./chat_backend.ts";
export {
  approvalRequest,
  FakeChatBackend,
  type FakeChatBackendOptions,
  type FakeTurn,
  type FakeTurnContext,
  session,
} from "./fake_chat_backend.ts";
export { ChatRepl, type ChatReplOptions, intervalTicker, type Ticker } from "./chat_repl.ts";
export { EXIT_DEFERRED, printTurn, type PrintTurnOptions } from "./print_turn.ts";
export { type ChatDeps, type ChatRunOptions, DENO_CHAT_DEPS, runChat } from "./run_chat.ts";
export { type CodeBlock, codeBlocksOf, MarkdownStream, renderMarkdown } from "./render_markdown.ts";
export { highlightLine, languageOf } from "./highlight_code.ts";
export { type Key, KeyDecoder } from "./decode_keys.ts";
export { editLine, type EditorState, EMPTY_EDITOR, layoutEditor } from "./line_editor.ts";
export {
  type ApprovalPromptState,
  openApprovalPrompt,
  promptKey,
  renderApprovalBody,
  renderChoices,
} from "./approval_prompt.ts";
export { parseSlash, runSlash, type SlashCommand, type SlashContext } from "./slash_commands.ts";
export { fileHistoryStore, type HistoryStore, InputHistory } from "./input_history.ts";
export { type Clipboard, osc52, systemClipboard } from "./clipboard.ts";
export { denoTerminal, FakeTerminal, type Terminal } from "./terminal.ts";
export { astridCommand } from "./self_command.ts";
