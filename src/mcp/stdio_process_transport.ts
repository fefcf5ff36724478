/**
 * The SDK `Transport` over a child process's stdin and stdout, started with
 * `Deno.Command` so that Astrid, not the SDK, decides what the child gets.
 * (The SDK's own `StdioClientTransport` always adds `HOME`, `USER`, `SHELL`,
 * `TERM`, `LOGNAME` and `PATH` from the parent.)
 *
 * Invariants:
 * - the child's environment is exactly `launch.env` (`clearEnv`), plus
 *   `PATH=MINIMAL_PATH` when it sets no `PATH`;
 * - it runs in `launch.cwd`, in a process group of its own (`setsid`), so
 *   `close()` stops what it started as well: stdin is closed, then the group
 *   gets SIGTERM and finally SIGKILL;
 * - a line longer than `maxMessageBytes` stops the server (a flood cannot
 *   grow memory without bound); stderr keeps only its last few KiB, for
 *   error messages.
 *
 * @module
 */

import { AstridError, concatBytes } from "../core/mod.ts";
import { deserializeMessage, serializeMessage } from "@modelcontextprotocol/sdk/shared/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { type McpLaunch, MINIMAL_PATH } from "./mcp_launch.ts";
import { resolveCommand } from "./resolve_command.ts";

/** Options of {@link StdioProcessTransport}. */
export interface StdioProcessOptions {
  /** Where a bare `command` is looked up (the parent's `PATH`); default {@link MINIMAL_PATH}. */
  readonly searchPath?: string;
  /** Longest JSON-RPC line accepted from the server; default 16 MiB. */
  readonly maxMessageBytes?: number;
  /** How much of the end of stderr is kept; default 8 KiB. */
  readonly stderrBytes?: number;
  /** Wait after closing stdin, and after SIGTERM, before the next step; default 1 s. */
  readonly graceMs?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A stdio MCP server as an SDK transport. */
export class StdioProcessTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  readonly launch: McpLaunch;
  readonly #o: Required<StdioProcessOptions>;
  #child: Deno.ChildProcess | null = null;
  #writer: WritableStreamDefaultWriter<Uint8Array> | null = null;
  #readers: Promise<void> = Promise.resolve();
  #stderr: Uint8Array[] = [];
  #stderrSize = 0;
  #closing: Promise<void> | null = null;
  #closedNotified = false;
  #group = false;

  constructor(launch: McpLaunch, options: StdioProcessOptions = {}) {
    this.launch = launch;
    this.#o = {
      searchPath: options.searchPath ?? MINIMAL_PATH,
      maxMessageBytes: options.maxMessageBytes ?? 16 * 1024 * 1024,
      stderrBytes: options.stderrBytes ?? 8192,
      graceMs: options.graceMs ?? 1000,
    };
  }

  /** Process id of the server (its process group id too), once started. */
  get pid(): number | null {
    return this.#child?.pid ?? null;
  }

  /** The last few KiB the server wrote to stderr. */
  stderrTail(): string {
    return decoder.decode(concatBytes(...this.#stderr)).trimEnd();
  }

  start(): Promise<void> {
    if (this.#child) throw new Error(`MCP server "${this.launch.server}" was already started`);
    const { launch } = this;
    const program = resolveCommand(launch.command, launch.cwd, this.#o.searchPath);
    if (program === null) {
      throw new AstridError(
        "MCP_START_FAILED",
        `MCP server "${launch.server}": command "${launch.command}" is not an executable file ` +
          `(looked in "${launch.cwd}" and PATH "${this.#o.searchPath}")`,
      );
    }
    const setsid = resolveCommand("setsid", "/", this.#o.searchPath);
    this.#group = setsid !== null;
    try {
      this.#child = new Deno.Command(setsid ?? program, {
        args: setsid ? [program, ...launch.args] : [...launch.args],
        cwd: launch.cwd,
        env: { PATH: MINIMAL_PATH, ...launch.env },
        clearEnv: true,
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    } catch (e) {
      throw new AstridError(
        "MCP_START_FAILED",
        `MCP server "${launch.server}": cannot start "${program}": ${(e as Error).message}`,
        { cause: e },
      );
    }
    this.#writer = this.#child.stdin.getWriter();
    this.#readers = Promise.all([
      this.#readStdout(this.#child.stdout.getReader()),
      this.#readStderr(this.#child.stderr.getReader()),
    ]).then(() => {});
    return Promise.resolve();
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (!this.#writer || this.#closing) {
      throw new AstridError("MCP_CALL_FAILED", `MCP server "${this.launch.server}" is not running`);
    }
    await this.#writer.write(encoder.encode(serializeMessage(message)));
  }

  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    const child = this.#child;
    if (!child) return this.#notifyClosed();
    await this.#writer?.close().catch(() => {});
    let exited = await this.#exitWithin(child, this.#o.graceMs);
    if (!exited) {
      this.#signal(child, "SIGTERM");
      exited = await this.#exitWithin(child, this.#o.graceMs);
    }
    // The group goes in any case: a grandchild must not outlive its server.
    this.#signal(child, "SIGKILL");
    await child.status;
    await this.#readers;
    this.#notifyClosed();
  }

  #signal(child: Deno.ChildProcess, signal: Deno.Signal): void {
    try {
      if (this.#group) Deno.kill(-child.pid, signal);
      else child.kill(signal);
    } catch { /* already gone */ }
  }

  async #exitWithin(child: Deno.ChildProcess, ms: number): Promise<boolean> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      return await Promise.race([
        child.status.then(() => true),
        new Promise<boolean>((res) => timer = setTimeout(() => res(false), ms)),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  #notifyClosed(): void {
    if (this.#closedNotified) return;
    this.#closedNotified = true;
    this.onclose?.();
  }

  async #readStdout(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    let pending: Uint8Array[] = [];
    let size = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        let start = 0;
        for (let nl = value.indexOf(10); nl >= 0; nl = value.indexOf(10, start)) {
          this.#deliver(concatBytes(...pending, value.subarray(start, nl)));
          pending = [];
          size = 0;
          start = nl + 1;
        }
        const rest = value.subarray(start);
        size += rest.length;
        if (size > this.#o.maxMessageBytes) {
          this.onerror?.(
            new Error(
              `MCP server "${this.launch.server}" sent a message over ${this.#o.maxMessageBytes} bytes; stopping it`,
            ),
          );
          await reader.cancel();
          this.close().catch(() => {});
          return;
        }
        if (rest.length > 0) pending.push(rest.slice());
      }
    } catch (e) {
      this.onerror?.(e as Error);
    } finally {
      reader.releaseLock();
    }
    // The server closed its stdout: it is gone (or going), so is the connection.
    if (!this.#closing) this.close().catch(() => {});
  }

  #deliver(line: Uint8Array): void {
    const text = decoder.decode(line).replace(/\r$/, "");
    if (text.trim() === "") return;
    let message: JSONRPCMessage;
    try {
      message = deserializeMessage(text);
    } catch (e) {
      this.onerror?.(
        new Error(
          `MCP server "${this.launch.server}" sent a line that is not JSON-RPC: ${
            (e as Error).message.slice(0, 200)
          }`,
        ),
      );
      return;
    }
    this.onmessage?.(message);
  }

  async #readStderr(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        this.#stderr.push(value.slice());
        this.#stderrSize += value.length;
        while (this.#stderrSize > this.#o.stderrBytes && this.#stderr.length > 1) {
          this.#stderrSize -= this.#stderr.shift()!.length;
        }
      }
    } catch {
      /* the pipe broke: the tail is what we have */
    } finally {
      reader.releaseLock();
    }
  }
}
