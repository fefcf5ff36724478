/**
 * The agent loop over the real built-in tools (`builtinToolHost`): files are
 * written and read through the workspace boundary of the agent's folder, and
 * a sub-agent's narrower folder confines its tools as well as its decisions.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { builtinToolHost } from "../../src/runtime/agent/mod.ts";
import { RecordingFrontend, toolCall, withAgent } from "./_agent.ts";

const P = "local";

Deno.test("the built-in tools run through the agent loop: write then read a file", async () => {
  await withAgent({
    config: '[workspace]\nmode = "autonomous"\n',
    toolHost: (rt) => builtinToolHost(rt, {}),
    script: [
      {
        kind: "turn",
        toolCalls: [toolCall("w", "write_file", { path: "n.txt", content: "note" })],
      },
      { kind: "turn", toolCalls: [toolCall("r", "read_file", { path: "n.txt" })] },
      { kind: "turn", text: ["done"] },
    ],
  }, async (f) => {
    const s = await f.host.createSession({ principal: P });
    const frontend = new RecordingFrontend();
    const turn = await f.host.startTurn({ sessionId: s.id, principal: P, text: "go", frontend });
    assert.equal((await turn.done).status, "completed");
    assert.equal(await Deno.readTextFile(join(f.workspace, "n.txt")), "note");
    const results = frontend.of("tool_result");
    assert.deepEqual(results.map((r) => r.status), ["ok", "ok"]);
    assert.match(results[1]?.output ?? "", /note/);
    const sent = f.server!.requests[0]!.body as { tools: { name: string }[] };
    assert.deepEqual(sent.tools.map((t) => t.name).sort(), [
      "bash",
      "edit_file",
      "glob",
      "grep",
      "list_directory",
      "read_file",
      "task",
      "write_file",
    ]);
  });
});

Deno.test("a sub-agent's tools are confined to its folder; an approved escape is the only way out", async () => {
  await withAgent({
    config: '[workspace]\nmode = "autonomous"\n',
    toolHost: (rt) => builtinToolHost(rt, {}),
    script: [
      { kind: "turn", toolCalls: [toolCall("in", "write_file", { path: "in.txt", content: "1" })] },
      {
        kind: "turn",
        toolCalls: [toolCall("out", "write_file", { path: "../out.txt", content: "2" })],
      },
      { kind: "turn", text: ["done"] },
    ],
  }, async (f) => {
    const sub = join(f.workspace, "sub");
    await Deno.mkdir(sub);
    const parent = await f.host.createSession({ principal: P });
    const child = await f.host.createSubAgent(parent.id, P, {
      description: "confined",
      root: sub,
      tools: ["write_file"],
    });
    const frontend = new RecordingFrontend(() => "allow_once");
    const turn = await f.host.startTurn({
      sessionId: child.id,
      principal: P,
      text: "go",
      frontend,
    });
    assert.equal((await turn.done).status, "completed");
    assert.equal(await Deno.readTextFile(join(sub, "in.txt")), "1");
    // Inside the workspace but outside the child's folder: asked, approved, then written.
    const asked = frontend.of("approval_needed");
    assert.equal(asked.length, 1);
    assert.match(asked[0]!.request.reason, new RegExp(`outside the workspace "${sub}"`));
    assert.equal(await Deno.readTextFile(join(f.workspace, "out.txt")), "2");
  });
});
