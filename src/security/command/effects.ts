/**
 * The sink through which program handlers report what one command does.
 * Paths are relative to that command's working folder; the analyser makes
 * them absolute.
 *
 * @module
 */

import type { PathKind } from "./analysis_state.ts";
import type { Arg } from "./word_value.ts";

/** What a program handler can report about the command it reads. */
export interface Effects {
  /** The command reads, writes or deletes `arg`. */
  path(kind: PathKind, arg: Arg): void;
  /** The command reaches `host:port` (`port` 0 when unknown); `program` defaults to the command. */
  network(host: string, port: number, url?: string, program?: string): void;
  /** The command evaluates code given inline. */
  inline(): void;
  /** The command touches paths we cannot list (input-driven, a config file, ...). */
  unknownPaths(): void;
  /** The command has a shell run the command line `text` (`su -c`, `ssh -o ProxyCommand=`). */
  runShell(text: Arg, label: string): void;
  /** The command runs the program `argv[0]` with the arguments `argv[1..]` (`find -exec`). */
  runArgv(argv: readonly Arg[], label: string): void;
  /** The command runs something we cannot name: the policy must ask. */
  dynamic(label: string): void;
}
