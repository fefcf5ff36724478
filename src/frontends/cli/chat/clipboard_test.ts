import assert from "node:assert/strict";
import { osc52, type RunWithInput, systemClipboard } from "./clipboard.ts";

function recorder(succeeds: readonly string[]): RunWithInput & { calls: string[] } {
  const calls: string[] = [];
  const run: RunWithInput = (cmd, args) => {
    calls.push([cmd, ...args].join(" "));
    return Promise.resolve(succeeds.includes(cmd));
  };
  return Object.assign(run, { calls });
}

Deno.test("copy tries wl-copy, xclip and xsel where a display exists, then OSC 52", async () => {
  const run = recorder([]);
  let written = "";
  const cb = systemClipboard({
    env: { WAYLAND_DISPLAY: "wayland-0", DISPLAY: ":0" },
    os: "linux",
    write: (t) => (written += t),
    run,
  });
  assert.equal(await cb.copy("hé"), "OSC 52 (terminal)");
  assert.deepEqual(run.calls, ["wl-copy", "xclip -selection clipboard", "xsel -b -i"]);
  assert.equal(written, osc52("hé"));
  assert.equal(osc52("hé"), "\x1b]52;c;aMOp\x07");
});

Deno.test("copy uses the first program that works and skips ones that do not apply", async () => {
  const run = recorder(["xsel"]);
  const cb = systemClipboard({ env: { DISPLAY: ":0" }, os: "linux", write: () => {}, run });
  assert.equal(await cb.copy("x"), "xsel");
  assert.deepEqual(run.calls, ["xclip -selection clipboard", "xsel -b -i"]);
  const mac = recorder(["pbcopy"]);
  assert.equal(
    await systemClipboard({ env: {}, os: "darwin", write: () => {}, run: mac }).copy("x"),
    "pbcopy",
  );
  assert.deepEqual(mac.calls, ["pbcopy"]);
});

Deno.test("over SSH without a display, copy goes straight to OSC 52", async () => {
  const run = recorder(["xclip"]);
  let written = "";
  const cb = systemClipboard({ env: {}, os: "linux", write: (t) => (written += t), run });
  assert.equal(await cb.copy("abc"), "OSC 52 (terminal)");
  assert.deepEqual(run.calls, []);
  assert.equal(written, `\x1b]52;c;${btoa("abc")}\x07`);
});
