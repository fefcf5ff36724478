/**
 * The gated file host functions: `read-file`, `write-file`, `fs-exists`,
 * `fs-mkdir`, `fs-readdir`, `fs-stat`, `fs-unlink`.
 *
 * Order, each stage able to refuse on its own (defence in depth):
 * 1. capability: the capsule was granted `fs_read` (read-type calls) or
 *    `fs_write` (write-type calls) at all;
 * 2. confinement: the path is canonicalized (symlinks resolved, `..` as the
 *    kernel applies it) and must lie inside the workspace root;
 * 3. the canonical path must match one of the granted globs of that kind;
 * 4. the gate (`capsule_file` action on the canonical path);
 * 5. only then the operation, on the canonical path, never the input.
 * `write-file("../../etc/passwd")` fails at 2, and the gate would refuse it
 * even if 2 were bypassed (tested with `confine` replaced).
 *
 * @module
 */

import { type Action, canonicalizePath } from "../security/mod.ts";
import type { HostEnv } from "./host_env.ts";
import { decodeData, encodeData, hostError, type HostReply, readRequest } from "./host_wire.ts";

/** The file host functions and what each does to a path. */
export const FILE_FUNCTIONS = {
  "read-file": { op: "read", kind: "read" },
  "write-file": { op: "write", kind: "write" },
  "fs-exists": { op: "exists", kind: "read" },
  "fs-mkdir": { op: "mkdir", kind: "write" },
  "fs-readdir": { op: "list", kind: "read" },
  "fs-stat": { op: "stat", kind: "read" },
  "fs-unlink": { op: "delete", kind: "write" },
} as const;

/** Name of a file host function. */
export type FileFunction = keyof typeof FILE_FUNCTIONS;

/** Largest folder listing returned by `fs-readdir`. */
export const MAX_DIR_ENTRIES = 10_000;

/** Result of {@link confinePath}. */
export type Confined = { ok: true; path: string } | { ok: false; reply: HostReply };

/** Canonicalize `input` and require it inside the workspace root (stage 2). */
export function confinePath(env: HostEnv, fn: string, input: string): Confined {
  const root = env.workspaceRoot;
  const c = canonicalizePath(input, root, env.fs);
  if (!c.ok) {
    return {
      ok: false,
      reply: hostError(
        "confinement",
        `${fn}: path "${input}" cannot be confined to the workspace "${root}": ${c.reason}`,
      ),
    };
  }
  if (c.path !== root && !c.path.startsWith(`${root}/`)) {
    return {
      ok: false,
      reply: hostError(
        "confinement",
        `${fn}: path "${input}" resolves to "${c.path}", outside the workspace "${root}"`,
      ),
    };
  }
  return { ok: true, path: c.path };
}

/** Run file host function `fn` on a request; `confine` is replaceable only to test the gate. */
export async function runFileFunction(
  env: HostEnv,
  fn: FileFunction,
  request: Uint8Array,
  confine: (env: HostEnv, fn: string, input: string) => Confined = confinePath,
): Promise<HostReply> {
  const { op, kind } = FILE_FUNCTIONS[fn];
  const req = readRequest(fn, request, {
    path: "string",
    data: "string?",
    encoding: "string?",
    recursive: "boolean?",
  });
  if (!req.ok) return req.reply;
  const input = req.value.path as string;
  const deny = (
    stage: "capability" | "confinement" | "gate",
    reply: HostReply,
    action?: Action,
  ) => {
    env.services.denied({
      capsule: env.capsule,
      fn,
      stage,
      reason: reply.ok ? "" : reply.message,
      ...(action ? { action } : {}),
    });
    return reply;
  };
  const globs = kind === "read" ? env.grants.fsRead : env.grants.fsWrite;
  const capName = kind === "read" ? "fs_read" : "fs_write";
  if (globs.length === 0) {
    return deny(
      "capability",
      hostError(
        "not_granted",
        `${fn}: capsule "${env.capsule}" was not granted ${capName}, so it cannot ${op} "${input}"`,
      ),
    );
  }
  const confined = confine(env, fn, input);
  if (!confined.ok) return deny("confinement", confined.reply);
  const path = confined.path;
  if (!globs.some((g) => g.matches(path))) {
    return deny(
      "capability",
      hostError(
        "not_granted",
        `${fn}: "${path}" is not covered by the ${capName} grant of capsule "${env.capsule}" (${
          globs.map((g) => g.pattern).join(", ")
        })`,
      ),
    );
  }
  const action: Action = { kind: "capsule_file", capsule: env.capsule, path, op };
  const decision = await env.services.authorize(action);
  if (!decision.allowed) {
    return deny("gate", hostError("denied", `${fn}: "${path}" denied: ${decision.reason}`), action);
  }
  try {
    return await perform(env, fn, path, req.value);
  } catch (e) {
    const err = e as Error;
    if (err instanceof RangeError) return hostError("limit", `${fn}: "${path}": ${err.message}`);
    return hostError("io", `${fn}: "${path}": ${err.name}: ${err.message}`);
  }
}

async function perform(
  env: HostEnv,
  fn: FileFunction,
  path: string,
  req: Record<string, unknown>,
): Promise<HostReply> {
  switch (fn) {
    case "read-file":
      return { ok: true, ...encodeData(await env.fs.readFile(path, env.limits.maxFileBytes)) };
    case "write-file": {
      if (typeof req.data !== "string") {
        return hostError("invalid_request", `${fn}: field "data" (a string) is required`);
      }
      const bytes = decodeData(req.data, req.encoding);
      if (typeof bytes === "string") return hostError("invalid_request", `${fn}: ${bytes}`);
      if (bytes.length > env.limits.maxFileBytes) {
        return hostError(
          "limit",
          `${fn}: ${bytes.length} bytes is over the file limit of ${env.limits.maxFileBytes}`,
        );
      }
      await env.fs.writeFile(path, bytes);
      return { ok: true, bytes: bytes.length };
    }
    case "fs-exists":
      return { ok: true, exists: (await env.fs.stat(path)) !== null };
    case "fs-mkdir":
      await env.fs.mkdir(path, req.recursive === true);
      return { ok: true };
    case "fs-readdir":
      return { ok: true, entries: await env.fs.readDir(path, MAX_DIR_ENTRIES) };
    case "fs-stat": {
      const info = await env.fs.stat(path);
      if (!info) return hostError("io", `${fn}: "${path}" does not exist`);
      return { ok: true, kind: info.kind, size: info.size, mtime_ms: info.mtimeMs };
    }
    case "fs-unlink":
      await env.fs.remove(path);
      return { ok: true };
  }
}
