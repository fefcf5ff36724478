/**
 * `bash`: run a command line in the workspace root.
 *
 * - Scrubbed environment: only variable names on `[tools] env_allowlist`
 *   pass, and never one that looks like a credential or belongs to Astrid
 *   (`ASTRID_*`, `*KEY*`, `*TOKEN*`, `*SECRET*`, `*PASSWORD*`), even if listed.
 * - Its own process group (`setsid`): on timeout or abort the whole group is
 *   killed with SIGKILL, background children included. A child that starts a
 *   new session of its own (`setsid`, a daemon double fork) leaves the group;
 *   that residual risk is why commands go through the shell-aware policy first.
 * - Output (stdout and stderr, interleaved as they arrive) is capped; the rest
 *   is drained and dropped, with a marker.
 *
 * @module
 */

import { Args } from "./args.ts";
import { type ToolDefinition, toolError } from "./tool.ts";

interface BashArgs {
  command: string;
  timeout_secs?: number | undefined;
}

/** How long output is still read after the shell exited and its group was killed. */
const DRAIN_GRACE_MS = 500;

const ESCAPED_NOTE =
  "\n[a process that left the command's process group still holds its output; stopped reading]";

const CREDENTIAL = /^ASTRID_|KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL/i;

/** The environment a command sees: allowlisted, credential-free names only. */
export function scrubEnv(
  env: Readonly<Record<string, string>>,
  allowlist: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of allowlist) {
    const v = env[name];
    if (v !== undefined && !CREDENTIAL.test(name)) out[name] = v;
  }
  return out;
}

export const bashTool: ToolDefinition<BashArgs> = {
  name: "bash",
  description:
    "Run a shell command in the workspace root (bash -c). Scrubbed environment, time limit, output cap.",
  inputSchema: {
    type: "object",
    properties: {
      command: { type: "string", description: "The command line" },
      timeout_secs: {
        type: "integer",
        minimum: 1,
        description: "Time limit (at most the configured one)",
      },
    },
    required: ["command"],
    additionalProperties: false,
  },
  parse(raw) {
    const a = new Args("bash", raw, ["command", "timeout_secs"]);
    return { command: a.nonEmpty("command"), timeout_secs: a.int("timeout_secs", 1, 86_400) };
  },
  preview(args, ctx) {
    return Promise.resolve({
      kind: "command",
      text: `$ ${args.command}\n  (in ${ctx.workspace.root})`,
    });
  },
  async execute(args, ctx) {
    const limit = Math.min(
      args.timeout_secs ?? ctx.limits.bash_timeout_secs,
      ctx.limits.bash_timeout_secs,
    );
    ctx.signal.throwIfAborted();
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command("setsid", {
        args: ["bash", "-c", args.command],
        cwd: ctx.workspace.root,
        env: scrubEnv(ctx.env, ctx.limits.env_allowlist),
        clearEnv: true,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    } catch (e) {
      return toolError(`bash: cannot start the command: ${(e as Error).message}`);
    }
    let killedFor: string | undefined;
    const killGroup = (why: string) => {
      killedFor ??= why;
      try {
        Deno.kill(-child.pid, "SIGKILL");
      } catch { /* already gone */ }
    };
    const timer = setTimeout(() => killGroup(`timed out after ${limit} s`), limit * 1000);
    const onAbort = () => killGroup("cancelled");
    ctx.signal.addEventListener("abort", onAbort, { once: true });
    const max = ctx.limits.max_output_bytes;
    const chunks: Uint8Array[] = [];
    let kept = 0;
    let dropped = 0;
    const readers = [child.stdout.getReader(), child.stderr.getReader()];
    const drain = async (reader: ReadableStreamDefaultReader<Uint8Array>) => {
      for (;;) {
        const { done, value: c } = await reader.read();
        if (done) return;
        const room = max - kept;
        if (room > 0) {
          const part = c.length <= room ? c : c.subarray(0, room);
          chunks.push(part);
          kept += part.length;
        }
        dropped += Math.max(0, c.length - Math.max(0, room));
      }
    };
    let grace: ReturnType<typeof setTimeout> | undefined;
    try {
      const drained = Promise.all(readers.map(drain));
      const status = await child.status;
      // The shell is gone, but background children may live on holding the
      // output pipes open: the group goes too, so the call ends now and not
      // at its timeout, and nothing it started outlives it.
      killGroup("finished");
      // A process that left the group (its own `setsid`) can still hold the
      // pipes: stop reading after a short grace instead of waiting for it.
      const late = await Promise.race([
        drained.then(() => false),
        new Promise<boolean>((res) => grace = setTimeout(() => res(true), DRAIN_GRACE_MS)),
      ]);
      if (late) {
        await Promise.all(readers.map((r) => r.cancel().catch(() => {})));
      }
      const bytes = new Uint8Array(kept);
      let o = 0;
      for (const c of chunks) {
        bytes.set(c, o);
        o += c.length;
      }
      let output = new TextDecoder().decode(bytes);
      if (dropped > 0) output += `\n[output truncated: ${dropped} more bytes, limit ${max}]`;
      if (late) output += ESCAPED_NOTE;
      if (killedFor && killedFor !== "finished") {
        return {
          ok: false,
          output: `${output}\n[command ${killedFor}; its process group was killed]`,
          error: `command ${killedFor}`,
          data: { exitCode: null, killed: true },
        };
      }
      return {
        ok: status.success,
        output: `${output}${
          output.endsWith("\n") || output === "" ? "" : "\n"
        }[exit code ${status.code}]`,
        data: { exitCode: status.code, killed: false },
        ...(status.success ? {} : { error: `exit code ${status.code}` }),
      };
    } finally {
      clearTimeout(grace);
      clearTimeout(timer);
      ctx.signal.removeEventListener("abort", onAbort);
    }
  },
};
