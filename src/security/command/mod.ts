/**
 * Shell-aware command analysis: parse a command line like a shell would and
 * list every program, path and host it would touch.
 *
 * @module
 */

export type { AnalyzedCommand, CommandAnalysis, NetworkTarget } from "./command_analysis.ts";
export { analyzeCommand } from "./analyze_command.ts";
export { type CommandActions, commandActions } from "./command_actions.ts";
