/**
 * The `astrid` command-line frontend.
 *
 * @module
 */

export { buildProgram, runCli } from "./program.ts";
export {
  CapturedIo,
  type CliContext,
  type CliIo,
  type GlobalOptions,
  type RegisterCommand,
} from "./context.ts";
export { VERSION } from "./version.ts";
