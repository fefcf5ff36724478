import assert from "node:assert/strict";
import { checkManifest, isEmpty, NO_CAPABILITIES, planCapsule } from "../../src/capsule/mod.ts";

Deno.test("the example capsule in capsules/ is a valid, static-only manifest that asks for nothing", async () => {
  const file = new URL("../../capsules/commit-style/Capsule.toml", import.meta.url);
  const r = checkManifest(await Deno.readTextFile(file), file.pathname);
  assert.equal(r.ok, true, JSON.stringify(r));
  if (!r.ok) return;
  const plan = planCapsule(r.manifest, NO_CAPABILITIES);
  assert.deepEqual(plan.engines.map((e) => e.kind), ["static"]);
  assert.equal(isEmpty(plan.refused), true, "it asks for no capability");
});
