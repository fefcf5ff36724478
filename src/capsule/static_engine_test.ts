import assert from "node:assert/strict";
import { join } from "node:path";
import type { StaticEnginePlan } from "./plan_capsule.ts";
import {
  readStaticFiles,
  renderStaticContext,
  staticContribution,
  staticFilesOf,
} from "./static_engine.ts";

const plan: StaticEnginePlan = {
  kind: "static",
  capsule: "docs",
  context: { files: ["CONTEXT.md"], text: "Prefer small commits." },
  skills: [
    { name: "review", description: "Review a diff", file: "skills/review.md" },
    { name: "haiku", description: "Write a haiku", text: "Five, seven, five." },
  ],
  commands: [{ name: "standup", description: "Write a standup", prompt: "Summarise today" }],
};

Deno.test("staticContribution() turns a plan and its files into context, skills and commands", () => {
  assert.deepEqual(staticFilesOf(plan), ["CONTEXT.md", "skills/review.md"]);
  const r = staticContribution(
    plan,
    new Map([["CONTEXT.md", "Project rules."], ["skills/review.md", "Look for bugs."]]),
  );
  assert.ok(r.ok);
  assert.deepEqual(r.contribution, {
    capsule: "docs",
    context: [
      { source: "CONTEXT.md", text: "Project rules." },
      { source: "Capsule.toml [context] text", text: "Prefer small commits." },
    ],
    skills: [
      { name: "review", description: "Review a diff", text: "Look for bugs." },
      { name: "haiku", description: "Write a haiku", text: "Five, seven, five." },
    ],
    commands: plan.commands,
  });
  const text = renderStaticContext(r.contribution);
  assert.match(text, /<capsule-context capsule="docs" source="CONTEXT.md">\nProject rules.\n/);
  assert.match(text, /- review: Review a diff/);
  const missing = staticContribution(plan, new Map([["CONTEXT.md", "x"]]));
  assert.ok(!missing.ok);
  assert.match(missing.reason, /missing "skills\/review.md"/);
});

Deno.test("readStaticFiles() reads inside the capsule folder and refuses a symlink out of it", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(join(dir, "skills"));
    await Deno.writeTextFile(join(dir, "CONTEXT.md"), "rules");
    await Deno.writeTextFile(join(dir, "skills/review.md"), "review");
    const files = await readStaticFiles(dir, plan);
    assert.deepEqual([...files.entries()], [["CONTEXT.md", "rules"], [
      "skills/review.md",
      "review",
    ]]);
    await Deno.remove(join(dir, "CONTEXT.md"));
    await Deno.symlink("/etc/passwd", join(dir, "CONTEXT.md"));
    await assert.rejects(() => readStaticFiles(dir, plan), /resolves outside the capsule folder/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
