import assert from "node:assert/strict";
import { analyzeCommand } from "../../src/security/command/mod.ts";
import { ok } from "./_analysis.ts";

function paths(line: string, home?: string) {
  const a = ok(line, home === undefined ? {} : { home });
  return {
    read: a.readPaths,
    write: a.writePaths,
    delete: a.deletePaths,
    unknown: a.hasUnknownPaths,
  };
}

Deno.test("analyzeCommand() classifies redirection targets", async (t) => {
  const cases: [string, Partial<ReturnType<typeof paths>>][] = [
    ["echo x > out", { write: ["/work/ws/out"] }],
    ["echo x >> /etc/hosts", { write: ["/etc/hosts"] }],
    ["cmd &> log", { write: ["/work/ws/log"] }],
    ["cmd >& log", { write: ["/work/ws/log"] }],
    ["cmd 2> err >| clob", { write: ["/work/ws/err", "/work/ws/clob"] }],
    ["sort < in", { read: ["/work/ws/in"] }],
    ["cmd 3<> rw", { read: ["/work/ws/rw"], write: ["/work/ws/rw"] }],
    ["cmd 2>&1 >&2 <&0 3>&-", {}],
    ["cmd > /dev/null 2> /dev/stderr", { write: ["/dev/null"] }],
    ["> /etc/motd", { write: ["/etc/motd"] }],
    ["exec 3> /etc/x", { write: ["/etc/x"] }],
    ["{ echo; } > /etc/x", { write: ["/etc/x"] }],
    ["while read l; do :; done < /etc/passwd", { read: ["/etc/passwd"] }],
    ["echo $(< /etc/shadow)", { read: ["/etc/shadow"] }],
  ];
  for (const [line, expected] of cases) {
    await t.step(JSON.stringify(line), () => {
      const got = paths(line);
      assert.deepEqual(got.read, expected.read ?? [], "read");
      assert.deepEqual(got.write, expected.write ?? [], "write");
    });
  }
});

Deno.test("analyzeCommand() knows which arguments of common programs are files", async (t) => {
  const cases: [string, Partial<ReturnType<typeof paths>>][] = [
    ["cat a /etc/shadow", { read: ["/work/ws/a", "/etc/shadow"] }],
    ["head -n 5 f", { read: ["/work/ws/f"] }],
    ["grep -rn pattern src", { read: ["/work/ws/src"] }],
    ["grep -e a -f /etc/pats file", { read: ["/etc/pats", "/work/ws/file"] }],
    ["grep -r TODO", { read: ["/work/ws"] }],
    ["ls", { read: ["/work/ws"] }],
    ["ls -la /root", { read: ["/root"] }],
    ["cp -r src /etc/dst", { read: ["/work/ws/src"], write: ["/etc/dst"] }],
    ["cp -t /etc a b", { read: ["/work/ws/a", "/work/ws/b"], write: ["/etc"] }],
    ["mv /etc/a b", { delete: ["/etc/a"], write: ["/work/ws/b"] }],
    ["install -m 755 a /usr/local/bin/a", { read: ["/work/ws/a"], write: ["/usr/local/bin/a"] }],
    ["ln -s /etc/shadow x", { read: ["/etc/shadow"], write: ["/work/ws/x"] }],
    ["rm -rf build /tmp/x", { delete: ["/work/ws/build", "/tmp/x"] }],
    ["rmdir d; unlink f; shred -u g", { delete: ["/work/ws/d", "/work/ws/f", "/work/ws/g"] }],
    ["touch /etc/x; mkdir -p a/b", { write: ["/etc/x", "/work/ws/a/b"] }],
    ["chmod 600 /etc/shadow", { write: ["/etc/shadow"] }],
    ["chmod -x /etc/x", { write: ["/etc/x"] }],
    ["chown -R me: /srv", { write: ["/srv"] }],
    ["tee -a /etc/hosts", { write: ["/etc/hosts"] }],
    ["dd if=/dev/sda of=disk.img", { read: ["/dev/sda"], write: ["/work/ws/disk.img"] }],
    ["sed -i 's/a/b/' /etc/hosts", { write: ["/etc/hosts"] }],
    ["sed -n 1p /etc/hosts", { read: ["/etc/hosts"] }],
    ["truncate -s 0 /var/log/x", { write: ["/var/log/x"] }],
    ["tar czf /tmp/a.tgz src", { read: ["/work/ws/src"], write: ["/tmp/a.tgz"] }],
    ["echo /etc/shadow", {}],
    ["jq .a /etc/x.json", { read: ["/etc/x.json"] }],
    ["awk -F: '{print $1}' /etc/passwd", { read: ["/etc/passwd"] }],
    ["find /etc -name '*.conf'", { read: ["/etc"] }],
    ["find . -delete", { delete: ["/work/ws"] }],
    ["vim /etc/sudoers", { write: ["/etc/sudoers"] }],
    ["python3 /tmp/x.py", { read: ["/tmp/x.py"] }],
  ];
  for (const [line, expected] of cases) {
    await t.step(JSON.stringify(line), () => {
      const got = paths(line);
      assert.deepEqual(got.read, expected.read ?? [], "read");
      assert.deepEqual(got.write, expected.write ?? [], "write");
      assert.deepEqual(got.delete, expected.delete ?? [], "delete");
    });
  }
});

Deno.test("analyzeCommand() checks everything strictly when a writer has an option it does not know", () => {
  // `--frobnicate` might take a value; the destination could be any operand.
  const got = paths("cp --frobnicate x a b");
  assert.deepEqual(got.write, ["/work/ws/x", "/work/ws/a", "/work/ws/b"]);
});

Deno.test("analyzeCommand() reports path-like arguments of unknown programs as reads", () => {
  assert.deepEqual(paths("mytool --config=/etc/x -I/usr/include ./a ../b ~x /c d").read, [
    "/etc/x",
    "/usr/include",
    "/work/ws/a",
    "/work/ws/../b",
    "~x",
    "/c",
  ]);
  assert.deepEqual(paths("make DESTDIR=/etc install").read, ["/etc"]);
  assert.deepEqual(paths("tool file:///etc/passwd https://example.com/a/b").read, ["/etc/passwd"]);
});

Deno.test("analyzeCommand() resolves paths against the working folder across cd", async (t) => {
  const cases: [string, string[], boolean][] = [
    ["cd /etc && cat shadow", ["/etc/shadow"], false],
    ["cd /etc; cd ssh; cat ../shadow", ["/etc/ssh/../shadow"], false],
    ["cd /etc/ssh/..; cat shadow", ["/etc/shadow"], false],
    ["cd -P /etc/ssh/..; cat shadow", ["/etc/ssh/../shadow"], false],
    ["cd ..; cat x", ["/work/x"], false],
    ["(cd /etc); cat passwd", ["/work/ws/passwd"], false],
    ["cd /etc & cat passwd", ["/work/ws/passwd"], false],
    ["cd /etc | cat passwd", ["/work/ws/passwd"], false],
    ["if a; then cd /etc; fi; cat shadow", ["/etc/shadow", "/work/ws/shadow"], false],
    ["a || cd /etc; cat shadow", ["/work/ws/shadow", "/etc/shadow"], false],
    ["cd $DIR && cat x", [], true],
    ["cd - ; cat x", [], true],
    ["for d in a b; do cd ..; done; cat x", [], true],
    ["f() { cd /etc; }; f; cat shadow", [], true],
    ["CDPATH=/etc; cd ssh; cat x", [], true],
    ["env -C /etc cat shadow", ["/etc/shadow"], false],
    ["eval 'cd /etc'; cat shadow", ["/etc/shadow"], false],
    ["pushd /etc; cat shadow; popd; cat x", ["/etc/shadow"], true],
  ];
  for (const [line, read, unknown] of cases) {
    await t.step(JSON.stringify(line), () => {
      const got = paths(line);
      assert.deepEqual(got.read, read);
      assert.equal(got.unknown, unknown);
    });
  }
});

Deno.test("analyzeCommand() keeps ~ literal without a home folder and expands it with one", () => {
  assert.deepEqual(paths("cat ~/.ssh/id_rsa").read, ["~/.ssh/id_rsa"]);
  assert.deepEqual(paths("cat ~/.ssh/id_rsa", "/home/u").read, ["/home/u/.ssh/id_rsa"]);
  assert.deepEqual(paths("cat ~/../../etc/shadow", "/home/u").read, ["/home/u/../../etc/shadow"]);
  assert.deepEqual(paths("cat ~/../../etc/shadow").read, ["~/../../etc/shadow"]);
  assert.deepEqual(paths("cd; cat .bashrc", "/home/u").read, ["/home/u/.bashrc"]);
  assert.deepEqual(paths("cd ~ && cat .bashrc").unknown, true);
  assert.deepEqual(paths("cat ~root/.bashrc", "/home/u").read, ["~root/.bashrc"]);
  assert.deepEqual(paths("cat '~/x'").read, ["/work/ws/~/x"]);
  // HOME changed in the line: ~ is no longer the home folder we were given.
  assert.equal(paths("HOME=/etc; cat ~/shadow", "/home/u").unknown, true);
});

Deno.test("analyzeCommand() reports the static folder of paths with expansions or globs", async (t) => {
  const cases: [string, string[]][] = [
    ["cat $HOME/.ssh/id_rsa", []],
    ["rm -rf /etc/$X", ["/etc"]],
    ["cat /e*/shadow", ["/"]],
    ["cat /etc/{shadow,passwd}", ["/etc"]],
    ["cat /etc/sha*", ["/etc"]],
    ["cat src/*.ts", ["/work/ws/src"]],
    ['cat "$f"', []],
    ["xargs rm < list", ["/work/ws/list"]],
  ];
  for (const [line, expected] of cases) {
    await t.step(JSON.stringify(line), () => {
      const got = paths(line);
      assert.deepEqual(
        [...got.read, ...got.write, ...got.delete].filter((p) =>
          p !== "/work/ws/list" || line.includes("list")
        ),
        expected,
      );
      assert.equal(got.unknown, true);
    });
  }
  assert.equal(paths("cat '/etc/sha*'").unknown, false, "a quoted * is not a glob");
});

Deno.test("analyzeCommand() does not report fd aliases and - as files", () => {
  assert.deepEqual(paths("cat - /dev/stdin > /dev/stdout 2>/dev/fd/2").read, []);
  assert.deepEqual(paths("cat <(echo)").read, []);
});

Deno.test("analyzeCommand() keeps .. in paths for the canonicalizer (a symlink then .. is not lexical)", () => {
  assert.deepEqual(paths("cat link/../secret").read, ["/work/ws/link/../secret"]);
  assert.deepEqual(paths("cat /a/./b//c/").read, ["/a/b/c"]);
});

Deno.test("analyzeCommand() refuses a relative working folder", () => {
  const a = analyzeCommand("ls", "work");
  assert.ok(!a.ok && /not absolute/.test(a.reason));
  const h = analyzeCommand("ls", "/w", { home: "home" });
  assert.ok(!h.ok && /not absolute/.test(h.reason));
});
