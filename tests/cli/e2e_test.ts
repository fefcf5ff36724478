/**
 * End to end: `astrid` as a real process under the permission flags of the
 * `astrid` task (the same ones the compiled binary gets), so the outer fence
 * is known to allow what the commands need.
 */

import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { ENTRY_POINT, PERMISSION_FLAGS } from "../../scripts/permissions.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

async function astrid(env: Record<string, string>, ...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMISSION_FLAGS, ENTRY_POINT, ...args],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
    stdin: "null",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, out: dec.decode(out.stdout), err: dec.decode(out.stderr) };
}

Deno.test("the astrid process prints its version and exits 0", async () => {
  const r = await astrid({}, "--version");
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /^\d+\.\d+\.\d+\n$/);
});

Deno.test("the astrid process exits 2 on a usage error", async () => {
  const usage = await astrid({}, "bogus");
  assert.equal(usage.code, 2);
  assert.match(usage.err, /Run 'astrid --help' for usage\./);
  // No placeholder command is left; chat without a terminal and with nothing on stdin is a usage error.
  const chat = await astrid({}, "chat");
  assert.equal(chat.code, 2);
  assert.match(chat.err, /nothing to send: stdin was empty/);
});

Deno.test("keys generate and show work inside the outer fence, with 0600 key files", async () => {
  const home = await Deno.makeTempDir({ prefix: "astrid_e2e_" });
  try {
    const gen = await astrid({ ASTRID_HOME: home }, "keys", "generate");
    assert.equal(gen.code, 0, gen.err);
    const info = await Deno.stat(`${home}/keys/signing_key.json`);
    assert.equal(info.mode! & 0o777, 0o600);
    const show = await astrid({ ASTRID_HOME: home }, "keys", "show", "--json");
    assert.equal(show.code, 0, show.err);
    assert.match(JSON.parse(show.out).active.keyId, /^ed25519:[0-9a-f]{16}$/);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});
