import assert from "node:assert/strict";
import { analyzeCommand, commandShape, isRememberable } from "../../src/security/command/mod.ts";

const shape = (line: string) => commandShape(analyzeCommand(line, "/w"));

Deno.test("commandShape() gives the same key to the same program and argument shape", async (t) => {
  const same: [string, string][] = [
    ["cat a.txt", "cat b.txt"],
    ["cat a b c", "cat /x"],
    ["ls -la src", "ls -al lib"],
    ["rm -rf x", "rm -f -r y"],
    ["grep -n foo src", "grep -n bar lib"],
    ["head -n 5 a", "head -n 10 b"],
    ["git status", "git status"],
    ["npm run build", "npm run build"],
  ];
  for (const [a, b] of same) await t.step(`${a} ~ ${b}`, () => assert.equal(shape(a), shape(b)));
});

Deno.test("commandShape() keeps programs, subcommands, flags and non-file arguments apart", async (t) => {
  const different: [string, string][] = [
    ["git status", "git status -s"],
    ["git status", "git push"],
    ["npm test", "npm run build"],
    ["npm run build", "npm run deploy"],
    ["npm install left-pad", "npm install evil"],
    ["git commit -m one", "git commit -m two"],
    ["git -C a status", "git -C b status"],
    ["rm x", "rm -rf x"],
    ["cat x", "tac x"],
    ["python3 a.py", "python3 b.py"],
    ["./a/run.sh", "./b/run.sh"],
    ["/usr/bin/git status", "git status"],
    ["docker run -v /:/h -e X ubuntu", "docker run -e /:/h -v X ubuntu"],
    ["tar -cvf a.tar src", "tar -fcv a.tar src"],
    ["chmod 644 f", "chmod 777 f"],
    ["nohup npm test", "npm test"],
    ["NODE_ENV=test npm test", "npm test"],
    ["ls", "ls src"],
  ];
  for (const [a, b] of different) {
    await t.step(`${a} !~ ${b}`, () => {
      assert.notEqual(shape(a), null, a);
      assert.notEqual(shape(a), shape(b));
    });
  }
});

Deno.test("commandShape() reads like the command it stands for", () => {
  assert.equal(shape("git status -s"), "git status -s");
  assert.equal(shape("npm run build"), "npm run build");
  assert.equal(shape("ls -la src"), "ls -a -l <paths>");
  assert.equal(shape("git commit -m 'two words'"), 'git commit -m "two words"');
  assert.equal(shape("NODE_ENV=x nohup npm test"), "nohup > NODE_ENV=* npm test");
  assert.equal(shape("sort --key=2 f"), "sort --key=* <paths>");
});

Deno.test("isRememberable() refuses everything that must be asked about every time", async (t) => {
  const never = [
    "python3 -c 'print(1)'",
    "bash -c ls",
    "ls && pwd",
    "ls; pwd",
    "ls | wc -l",
    "ls &",
    "ls > out",
    "cat < in",
    "cat <<EOF\nx\nEOF",
    "echo $(date)",
    "cat <(ls)",
    "$X",
    "sudo id",
    "rm -rf $DIR",
    "cat *.ts",
    "echo 'unclosed",
    "git --unknown-global status",
    "x=1",
    "",
  ];
  for (const line of never) {
    await t.step(JSON.stringify(line), () => {
      assert.equal(isRememberable(analyzeCommand(line, "/w")), false);
      assert.equal(shape(line), null);
    });
  }
  assert.equal(
    isRememberable(analyzeCommand("npm test 2>&1", "/w")),
    true,
    "fd copies are not file redirections",
  );
  assert.equal(isRememberable(analyzeCommand("git status", "/w")), true);
});
