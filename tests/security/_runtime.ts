/**
 * A real security runtime in a temp home and workspace, for end-to-end tests.
 *
 * @module
 */

import { join } from "node:path";
import { FakeClock } from "../../src/core/mod.ts";
import { openSecurityRuntime, type SecurityRuntime } from "../../src/runtime/security_runtime.ts";
import type { ApprovalAnswer, ApprovalChannel, ApprovalRequest } from "../../src/security/mod.ts";

/** A channel answering from a script, recording what it was shown. */
export class ScriptedChannel implements ApprovalChannel {
  readonly seen: ApprovalRequest[] = [];
  constructor(public decide: (r: ApprovalRequest) => ApprovalAnswer) {}
  request(r: ApprovalRequest): Promise<ApprovalAnswer> {
    this.seen.push(r);
    return Promise.resolve(this.decide(r));
  }
}

/** Answer every request with `decision`. */
export const answer =
  (decision: "allow_once" | "allow_session" | "allow_always" | "deny") =>
  (r: ApprovalRequest): ApprovalAnswer => ({
    kind: "answered",
    decision,
    actionHash: r.actionHash,
    answeredBy: "test:human",
  });

/** Temp folders plus a runtime over them; everything removed afterwards. */
export async function withRuntime(
  options: { config?: string; channel?: ApprovalChannel; clock?: FakeClock },
  fn: (
    rt: SecurityRuntime,
    dirs: { home: string; workspace: string; root: string },
  ) => Promise<void>,
): Promise<void> {
  const root = await Deno.realPath(await Deno.makeTempDir({ prefix: "astrid-rt-" }));
  const home = join(root, "home");
  const workspace = join(root, "ws");
  await Deno.mkdir(home, { mode: 0o700 });
  await Deno.mkdir(workspace);
  if (options.config) await Deno.writeTextFile(join(home, "config.toml"), options.config);
  const rt = await openSecurityRuntime({
    home,
    workspace,
    env: { ASTRID_SYSTEM_CONFIG: join(root, "no-system.toml") },
    ...(options.channel ? { channel: options.channel } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
  try {
    await fn(rt, { home, workspace, root });
  } finally {
    await rt.close();
    await Deno.remove(root, { recursive: true });
  }
}
