/**
 * The real MCP servers the tests start: `@modelcontextprotocol/server-filesystem`
 * from npm (installed by `.ci/run` with `npm ci --prefix tests/mcp/fixtures`)
 * and a small echo server, both run with Node.
 *
 * @module
 */

import { fileURLToPath } from "node:url";
import { resolveCommand } from "../../src/mcp/mod.ts";

const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

/** The parent's PATH (where `node` is found). */
export const SEARCH_PATH = Deno.env.get("PATH") ?? "/usr/local/bin:/usr/bin:/bin";

/** Absolute path of `node`; fails loudly when it is missing. */
export function nodeBinary(): string {
  const node = resolveCommand("node", "/", SEARCH_PATH);
  if (node === null) throw new Error(`node is not on PATH "${SEARCH_PATH}"; the MCP tests need it`);
  return node;
}

/** Entry point of the real filesystem server; fails loudly when npm has not installed it. */
export function filesystemServer(): string {
  const path = `${FIXTURES}node_modules/@modelcontextprotocol/server-filesystem/dist/index.js`;
  try {
    Deno.statSync(path);
  } catch {
    throw new Error(
      `${path} is missing: run 'npm ci --prefix tests/mcp/fixtures' (.ci/run does) before the tests`,
    );
  }
  return path;
}

/** Entry point of the echo server fixture. */
export const ECHO_SERVER = `${FIXTURES}echo_server.mjs`;

/** Whether `pid` is a live process (a zombie counts as gone). */
export function running(pid: number): boolean {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/** Wait (up to `ms`) until `pid` is gone: another process's death cannot be awaited. */
export async function gone(pid: number, ms = 3000): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += 20) {
    if (!running(pid)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return !running(pid);
}

/** The environment of process `pid`, from `/proc/<pid>/environ`. */
export function environOf(pid: number): Record<string, string> {
  const raw = Deno.readTextFileSync(`/proc/${pid}/environ`);
  const out: Record<string, string> = {};
  for (const kv of raw.split("\0")) {
    if (kv === "") continue;
    const i = kv.indexOf("=");
    out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}
