/**
 * Which MCP server processes are running, and who runs them: each host
 * that starts a server (a CLI command while it needs one; the daemon, when
 * it exists) registers the process in the state KV and removes it when the
 * server stops. Entries of processes that are gone (a host that crashed)
 * are dropped when listed.
 *
 * @module
 */

/** One running server process. */
export interface RunningServer {
  readonly server: string;
  readonly capsule?: string;
  readonly pid: number;
  /** Process id of the host that started it and talks to it. */
  readonly hostPid: number;
  readonly startedAt: number;
}

/** KV key prefix of the registry. */
export const MCP_RUNNING_PREFIX = "mcp_running";

/** Whether a process is alive (Linux: its `/proc` entry exists). */
export function processAlive(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

/** The registry over the state KV (the caller owns and closes `kv`). */
export class McpRunRegistry {
  constructor(
    private readonly kv: Deno.Kv,
    private readonly alive: (pid: number) => boolean = processAlive,
  ) {}

  /** Record `entry`; returns the function that removes it again. */
  async register(entry: RunningServer): Promise<() => Promise<void>> {
    const key = [MCP_RUNNING_PREFIX, entry.server, entry.pid];
    await this.kv.set(key, entry);
    return async () => {
      await this.kv.delete(key);
    };
  }

  /** Running servers (all, or of `server`); stale entries are removed. */
  async list(server?: string): Promise<RunningServer[]> {
    const out: RunningServer[] = [];
    const prefix = server === undefined ? [MCP_RUNNING_PREFIX] : [MCP_RUNNING_PREFIX, server];
    for await (const e of this.kv.list<RunningServer>({ prefix })) {
      if (this.alive(e.value.pid) && this.alive(e.value.hostPid)) out.push(e.value);
      else await this.kv.delete(e.key);
    }
    return out.sort((a, b) => a.server < b.server ? -1 : a.server > b.server ? 1 : a.pid - b.pid);
  }
}
