import assert from "node:assert/strict";
import fc from "fast-check";
import type { SessionScope } from "../../storage/mod.ts";
import { isInside, MODE_ORDER, narrowScope, type SubAgentRequest } from "./agent_scope.ts";

const PARENT: SessionScope = {
  tools: ["read_file", "write_file", "task"],
  root: "/ws",
  mode: "guided",
  escapePolicy: "ask",
  budgetMicros: 5_000_000,
  depth: 0,
};
const LIMITS = { maxDepth: 2, availableMicros: 4_000_000, share: 4 };

Deno.test("narrowScope() inherits everything, with a share of what the parent has left", () => {
  assert.deepEqual(narrowScope(PARENT, {}, LIMITS), {
    ok: true,
    scope: { ...PARENT, budgetMicros: 1_000_000, depth: 1 },
  });
});

Deno.test("narrowScope() refuses whatever is wider than the parent, naming it", async (t) => {
  const cases: [string, SubAgentRequest, RegExp][] = [
    ["a tool the parent lacks", { tools: ["bash"] }, /tool "bash" is not available to the parent/],
    ["a sibling folder with the same prefix", { root: "/ws-evil" }, /outside the parent's folder/],
    ["the parent of the folder", { root: "/" }, /outside the parent's folder "\/ws"/],
    [
      "a looser mode",
      { mode: "autonomous" },
      /mode "autonomous" is looser than the parent's mode "guided"/,
    ],
    ["an unknown mode", { mode: "yolo" as never }, /mode "yolo" is looser/],
    [
      "a looser escape policy",
      { escapePolicy: "allow" as never },
      /escape policy "allow" is looser/,
    ],
    ["more budget than is left", { budgetMicros: 4_000_001 }, /is more than the parent has left/],
    ["a negative budget", { budgetMicros: -1 }, /not a whole number >= 0/],
    ["a fractional budget", { budgetMicros: 0.5 }, /not a whole number >= 0/],
    ["no budget at all", { budgetMicros: 0 }, /no budget left/],
  ];
  for (const [name, request, reason] of cases) {
    await t.step(name, () => {
      const r = narrowScope(PARENT, request, LIMITS);
      assert.equal(r.ok, false);
      assert.match(!r.ok ? r.reason : "", reason);
    });
  }
});

Deno.test("narrowScope() enforces the depth limit, and drops or refuses task at the last level", () => {
  const deep = { ...PARENT, depth: 1 };
  const inherited = narrowScope(deep, {}, LIMITS);
  assert.ok(inherited.ok && !inherited.scope.tools.includes("task"));
  const asked = narrowScope(deep, { tools: ["task"] }, LIMITS);
  assert.match(!asked.ok ? asked.reason : "", /"task" would let the child nest past depth 2/);
  const tooDeep = narrowScope({ ...PARENT, depth: 2 }, {}, LIMITS);
  assert.match(!tooDeep.ok ? tooDeep.reason : "", /this one would be at depth 3/);
  const none = narrowScope(PARENT, {}, { ...LIMITS, maxDepth: 0 });
  assert.match(!none.ok ? none.reason : "", /nest 0 deep/);
});

Deno.test("narrowScope() never yields a scope wider than its parent (property)", () => {
  const modes = fc.constantFrom(...MODE_ORDER);
  const tool = fc.constantFrom("read_file", "write_file", "bash", "task", "glob");
  fc.assert(
    fc.property(
      fc.record({
        tools: fc.uniqueArray(tool),
        mode: modes,
        depth: fc.integer({ min: 0, max: 3 }),
        budget: fc.integer({ min: 0, max: 10_000 }),
      }),
      fc.record({
        tools: fc.option(fc.array(tool), { nil: undefined }),
        root: fc.option(fc.constantFrom("/ws", "/ws/a", "/w", "/ws-x", "/", "/ws/a/b"), {
          nil: undefined,
        }),
        mode: fc.option(modes, { nil: undefined }),
        escapePolicy: fc.option(fc.constantFrom("ask" as const, "deny" as const), {
          nil: undefined,
        }),
        budgetMicros: fc.option(fc.integer({ min: -5, max: 20_000 }), { nil: undefined }),
      }),
      fc.integer({ min: 0, max: 3 }),
      (p, req, maxDepth) => {
        const parent: SessionScope = {
          tools: p.tools,
          root: "/ws",
          mode: p.mode,
          escapePolicy: "ask",
          budgetMicros: 10_000,
          depth: p.depth,
        };
        const r = narrowScope(parent, req, { maxDepth, availableMicros: p.budget, share: 3 });
        if (!r.ok) return;
        const c = r.scope;
        assert.ok(c.tools.every((x) => parent.tools.includes(x)));
        assert.ok(isInside(parent.root, c.root));
        assert.ok(MODE_ORDER.indexOf(c.mode) <= MODE_ORDER.indexOf(parent.mode));
        assert.ok(c.budgetMicros > 0 && c.budgetMicros <= p.budget);
        assert.ok(c.depth === parent.depth + 1 && c.depth <= maxDepth);
        if (c.tools.includes("task")) assert.ok(c.depth + 1 <= maxDepth);
      },
    ),
  );
});

Deno.test("isInside() compares whole path segments", () => {
  assert.equal(isInside("/ws", "/ws"), true);
  assert.equal(isInside("/ws", "/ws/a"), true);
  assert.equal(isInside("/ws", "/wsx"), false);
  assert.equal(isInside("/ws", "/"), false);
  assert.equal(isInside("/", "/anything"), true);
});
