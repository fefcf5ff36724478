import assert from "node:assert/strict";
import { stripAnsi } from "./ansi.ts";
import {
  openApprovalPrompt,
  promptKey,
  type PromptOutcome,
  renderApprovalBody,
  renderChoices,
} from "./approval_prompt.ts";
import { type Key, KeyDecoder } from "./decode_keys.ts";
import { approvalRequest } from "./fake_chat_backend.ts";

const DIFF = "--- a/notes.txt\n+++ b/notes.txt\n@@ -0,0 +1 @@\n+hello\n";

function press(bytes: string, rememberable = true): PromptOutcome {
  let state = openApprovalPrompt(approvalRequest("r1", "s1", { rememberable }), "agent");
  let out: PromptOutcome = { kind: "pending", state };
  for (const key of new KeyDecoder().feed(new TextEncoder().encode(bytes))) {
    out = promptKey(state, key);
    if (out.kind !== "pending") return out;
    state = out.state;
  }
  return out;
}

Deno.test("the prompt offers the four choices of the seed, Allow Once selected", () => {
  const s = openApprovalPrompt(approvalRequest("r1", "s1"), "agent");
  assert.equal(
    stripAnsi(renderChoices(s)).split("  ")[0],
    "[Allow Once] [Allow Session] [Allow Always] [Deny]",
  );
  assert.ok(renderChoices(s).includes("\x1b[7m\x1b[1m[Allow Once]"), "selected in reverse video");
});

Deno.test("arrow keys move the selection (wrapping) and Enter confirms it", async (t) => {
  const table: [string, string][] = [
    ["\r", "allow_once"],
    ["\x1b[C\r", "allow_session"],
    ["\x1b[C\x1b[C\r", "allow_always"],
    ["\x1b[C\x1b[C\x1b[C\r", "deny"],
    ["\x1b[D\r", "deny"],
    ["\x1b[C\x1b[C\x1b[C\x1b[C\r", "allow_once"],
    ["\t\t\r", "allow_always"],
    ["\x1b[B\x1b[A\r", "allow_once"],
    ["\x1b[F\r", "deny"],
  ];
  for (const [keys, decision] of table) {
    await t.step(JSON.stringify(keys), () => {
      assert.deepEqual(press(keys), { kind: "chosen", decision });
    });
  }
});

Deno.test("number keys 1-4 choose at once; Escape denies; Ctrl-C interrupts", () => {
  assert.deepEqual(press("1"), { kind: "chosen", decision: "allow_once" });
  assert.deepEqual(press("2"), { kind: "chosen", decision: "allow_session" });
  assert.deepEqual(press("3"), { kind: "chosen", decision: "allow_always" });
  assert.deepEqual(press("4"), { kind: "chosen", decision: "deny" });
  // A lone ESC at the end of a read waits for what follows (it may start a sequence).
  assert.equal(press("\x1b[C\x1b").kind, "pending");
  const dec = new KeyDecoder();
  dec.feed(new TextEncoder().encode("\x1b"));
  const [esc] = dec.flush() as [Key];
  const s = openApprovalPrompt(approvalRequest("r1", "s1"), "agent");
  assert.deepEqual(promptKey(s, esc), { kind: "chosen", decision: "deny" });
  assert.deepEqual(press("\x03"), { kind: "interrupt" });
});

Deno.test("a request that cannot be remembered offers only Allow Once and Deny", () => {
  const s = openApprovalPrompt(approvalRequest("r1", "s1", { rememberable: false }), "agent");
  assert.equal(stripAnsi(renderChoices(s)).split("  ")[0], "[Allow Once] [Deny]");
  assert.deepEqual(press("2", false), { kind: "chosen", decision: "deny" });
  assert.equal(press("3", false).kind, "pending");
  assert.equal(press("4", false).kind, "pending");
  assert.deepEqual(press("\x1b[C\r", false), { kind: "chosen", decision: "deny" });
  assert.match(stripAnsi(renderApprovalBody(s)), /only Allow Once or Deny/);
});

Deno.test("pasted text, other letters and a multi-digit string never choose", () => {
  assert.equal(press("\x1b[200~3\x1b[201~").kind, "pending");
  assert.equal(press("y").kind, "pending");
  assert.equal(press("0").kind, "pending");
  assert.equal(press("9").kind, "pending");
  // "33" typed in one read is one text key of two characters: not a key press of 3.
  assert.equal(press("33").kind, "pending");
});

Deno.test("the body shows risk, summary, who asks, why, and the diff coloured", () => {
  const s = openApprovalPrompt(
    approvalRequest("r1", "s1", {
      risk: "high",
      preview: DIFF,
      summary: ["Write file: /w/notes.txt"],
    }),
    "agent/task-1",
  );
  const body = renderApprovalBody(s);
  const plain = stripAnsi(body);
  assert.match(plain, /Approval needed {2}risk: HIGH {2}requested by agent\/task-1/);
  assert.match(plain, /Write file: \/w\/notes\.txt/);
  assert.match(plain, /why: mode safe asks before writes/);
  assert.match(plain, /\+hello/);
  assert.ok(body.includes("\x1b[32m+hello"), "added lines green");
  assert.ok(body.includes("\x1b[36m@@ -0,0 +1 @@"), "hunk headers cyan");
});

Deno.test("a command preview shows the exact command and working directory", () => {
  const s = openApprovalPrompt(
    approvalRequest("r1", "s1", {
      preview: "$ rm -rf build\n  (in /home/u/project)",
      risk: "high",
    }),
    "agent",
  );
  const plain = stripAnsi(renderApprovalBody(s));
  assert.match(plain, /\$ rm -rf build/);
  assert.match(plain, /\(in \/home\/u\/project\)/);
});

Deno.test("escape sequences inside a request are shown, not interpreted", () => {
  const s = openApprovalPrompt(
    approvalRequest("r1", "s1", {
      summary: ["Write file: a\x1b[2K\rAllow Always chosen"],
      preview: "+evil \x1b]52;c;AAAA\x07",
    }),
    "agent",
  );
  const body = renderApprovalBody(s);
  assert.ok(!body.includes("\x1b[2K"));
  assert.ok(!body.includes("\x1b]52"));
  assert.match(stripAnsi(body), /a\^\[\[2K\^MAllow Always chosen/);
});
