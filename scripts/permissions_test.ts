import assert from "node:assert/strict";
import { astridTask, PERMISSION_FLAGS } from "./permissions.ts";

const denoJson = JSON.parse(
  await Deno.readTextFile(new URL("../deno.json", import.meta.url)),
) as { tasks: Record<string, string> };

Deno.test("deno.json's astrid task uses exactly the compiled binary's permission flags", () => {
  assert.equal(denoJson.tasks["astrid"], astridTask());
});

Deno.test("deno.json's compile task runs scripts/compile.ts", () => {
  assert.match(denoJson.tasks["compile"] ?? "", /^deno run .* scripts\/compile\.ts$/);
  assert.ok(!/(^| )(-A|--allow-all)( |$)/.test(denoJson.tasks["compile"] ?? ""));
});

Deno.test("the permission flags are explicit: no -A, no FFI, no prompts, system folders unwritable", () => {
  for (const flag of PERMISSION_FLAGS) {
    assert.ok(!["-A", "--allow-all"].includes(flag), `broad flag ${flag}`);
    assert.ok(!flag.startsWith("--allow-ffi"), `FFI flag ${flag}`);
    assert.ok(!flag.startsWith("--allow-import"), `import flag ${flag}`);
  }
  assert.ok(PERMISSION_FLAGS.includes("--no-prompt"));
  const sys = PERMISSION_FLAGS.find((f) => f.startsWith("--allow-sys"));
  assert.match(sys ?? "", /^--allow-sys=[a-zA-Z]+(,[a-zA-Z]+)*$/, "--allow-sys takes a list");
  const deny = PERMISSION_FLAGS.find((f) => f.startsWith("--deny-write="))?.split("=")[1]?.split(
    ",",
  );
  for (const dir of ["/etc", "/usr", "/bin", "/boot"]) assert.ok(deny?.includes(dir), dir);
});
