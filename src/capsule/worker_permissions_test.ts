import assert from "node:assert/strict";
import { capsuleWorkerPermissions, literalRoot } from "./worker_permissions.ts";

const ROOT = "/work/ws";

Deno.test("capsuleWorkerPermissions() narrows the worker to the grants", () => {
  assert.deepEqual(
    capsuleWorkerPermissions(
      {
        net: ["api.github.com", "127.0.0.1:8080"],
        fsRead: ["docs/**"],
        fsWrite: ["out/**", "log.txt"],
        kv: true,
      },
      ROOT,
    ),
    {
      read: [ROOT],
      write: [`${ROOT}/out`, `${ROOT}/log.txt`],
      net: ["api.github.com:80", "api.github.com:443", "127.0.0.1:8080"],
      env: ["EXTISM_ENABLE_WASI_OUTPUT", "__MINIMATCH_TESTING_PLATFORM__"],
      run: false,
      ffi: false,
      sys: false,
      import: false,
    },
  );
});

Deno.test("capsuleWorkerPermissions() grants nothing for a capsule granted nothing", () => {
  const p = capsuleWorkerPermissions({ net: [], fsRead: [], fsWrite: [], kv: true }, ROOT);
  assert.equal(p.read, false);
  assert.equal(p.write, false);
  assert.equal(p.net, false);
});

Deno.test("literalRoot() clips globs to the workspace root", () => {
  assert.deepEqual(literalRoot("**", ROOT), [ROOT]);
  assert.deepEqual(literalRoot("./a/*/b", ROOT), [`${ROOT}/a`]);
  assert.deepEqual(literalRoot("/work/ws/x/**", ROOT), [`${ROOT}/x`]);
  assert.deepEqual(literalRoot("/**", ROOT), [ROOT]);
  assert.deepEqual(literalRoot("/work/**", ROOT), [ROOT]);
  assert.deepEqual(literalRoot("/etc/**", ROOT), []);
  assert.deepEqual(literalRoot("/work/wsx/**", ROOT), []);
  assert.deepEqual(literalRoot("/home/user/.gitconfig", ROOT), []);
});
