/**
 * Structured log lines for journald: one JSON object per line on stderr,
 * `{"time":…,"level":…,"msg":…,…fields}`. Never logs a token.
 *
 * @module
 */

import type { Clock } from "../../core/mod.ts";
import type { DaemonLog } from "./daemon_core.ts";

/** A {@link DaemonLog} writing JSON lines through `write`. */
export function jsonLog(write: (line: string) => void, clock: Clock): DaemonLog {
  return (level, msg, fields = {}) => {
    let line: string;
    try {
      line = JSON.stringify({ time: new Date(clock.now()).toISOString(), level, msg, ...fields });
    } catch {
      line = JSON.stringify({ time: new Date(clock.now()).toISOString(), level, msg });
    }
    try {
      write(`${line}\n`);
    } catch {
      // A closed stderr must not take the daemon down.
    }
  };
}
