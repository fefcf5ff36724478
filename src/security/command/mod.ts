/**
 * Shell-aware command analysis: parse a command line like bash would and list
 * every program, path and host it would touch, as policy actions.
 *
 * @module
 */

export type { AnalyzedCommand, CommandAnalysis, NetworkTarget } from "./command_analysis.ts";
export { analyzeCommand, type AnalyzeOptions } from "./analyze_command.ts";
export {
  type CommandActions,
  commandActions,
  type CommandActionsOptions,
} from "./command_actions.ts";
export { commandShape, isRememberable } from "./command_shape.ts";
export { MAX_INPUT, parseShell, type ParseShellResult } from "./parse_shell.ts";
export { MAX_DEPTH } from "./shell_lexer.ts";
export type {
  AndOr as ShellAndOr,
  Assignment as ShellAssignment,
  Command as ShellCommand,
  HereDoc as ShellHereDoc,
  List as ShellList,
  ListItem as ShellListItem,
  Pipeline as ShellPipeline,
  Redirect as ShellRedirect,
  RedirectOp as ShellRedirectOp,
  Script as ShellScript,
  SimpleCommand as ShellSimpleCommand,
  Word as ShellWord,
  WordPart as ShellWordPart,
} from "./shell_ast.ts";
