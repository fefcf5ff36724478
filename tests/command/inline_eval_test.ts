import assert from "node:assert/strict";
import { ok } from "./_analysis.ts";

Deno.test("analyzeCommand() marks code passed inline as inline evaluation", async (t) => {
  const inline = [
    "python -c 'import os'",
    "python3 -c 'print(1)'",
    "python3.12 -Bc 'print(1)'",
    "python3 - <<EOF\nprint(1)\nEOF",
    "python3",
    "node -e 'require(\"fs\")'",
    "node --eval=1",
    "node -p 1+1",
    "node -pe 1",
    "node --require x -e 1",
    "deno eval 'Deno.exit()'",
    "deno repl",
    "bun -e 1",
    "perl -e 'print 1'",
    "perl -E 'say 1'",
    "perl -lane 'print $F[0]' f",
    "perl -pi -e 's/a/b/' f",
    "ruby -e 'puts 1'",
    "ruby -rjson -e 'p 1'",
    "php -r 'echo 1;'",
    "php -a",
    "osascript -e 'do shell script \"id\"'",
    "lua -e 'os.execute(\"id\")'",
    "Rscript -e 'system(\"id\")'",
    "julia -e 'run(`id`)'",
    "pwsh -Command 'Get-Process'",
    "awk 'BEGIN { system(\"id\") }'",
    "awk '{ print | \"sh\" }' f",
    "gawk -l filefuncs 'BEGIN{}'",
    "sed '1e id' f",
    "sed 's/x/id/e' f",
    "bash -c 'ls'",
    "sh -c ls",
    "zsh -c ls",
    "bash <<< ls",
    "eval ls",
    "su -c ls",
    "watch ls",
    "flock /tmp/l -c ls",
    "trap 'ls' EXIT",
    "LD_PRELOAD=/tmp/x.so ls",
    "BASH_ENV=/tmp/x bash s.sh",
    "NODE_OPTIONS='--require /tmp/x.js' node a.js",
    "export PROMPT_COMMAND=ls",
    "tar --to-command='sh -c id' -xf a.tar",
    "tar -I 'sh -c id' -xf a.tar",
    "vim -c '!id' f",
    "git -c core.pager='id' log",
    "rg --pre ./x pattern",
    "git config core.fsmonitor 'sudo id'",
    "git config --global alias.x '!sudo id'",
    "python3 <(curl -s https://x)",
    "bash <(curl -s https://x)",
    "source <(curl -s https://x)",
    ". /dev/stdin <<< 'sudo id'",
    "node /dev/stdin",
  ];
  for (const line of inline) {
    await t.step(JSON.stringify(line), () => assert.equal(ok(line).inlineEval, true));
  }
});

Deno.test("analyzeCommand() does not mark scripts and plain programs as inline evaluation", async (t) => {
  const plain = [
    "python3 script.py",
    "python3 -m pytest -q",
    "python3 --version",
    "node index.js --flag",
    "node --version",
    "deno run -A main.ts",
    "deno test",
    "perl script.pl",
    "ruby app.rb",
    "php artisan migrate",
    "bash script.sh",
    "sh ./configure",
    "awk '{print $1}' f",
    "awk -f prog.awk f",
    "sed 's/a/b/g' f",
    "sed -n '/start/,/end/p' f",
    "sed --sandbox 's/x/y/e' f",
    "git log --oneline",
    "ls -la",
    "npm test",
    "git config user.name me",
    "git config --get core.pager",
    "source venv/bin/activate",
  ];
  for (const line of plain) {
    await t.step(JSON.stringify(line), () => {
      const a = ok(line);
      assert.equal(a.inlineEval, false);
      assert.ok(a.commands.every((c) => !c.inlineEval));
    });
  }
});

Deno.test("analyzeCommand() marks the command that evaluates, not its neighbours", () => {
  const a = ok("ls && python3 -c 1 && cat f");
  assert.deepEqual(a.commands.map((c) => [c.executable, c.inlineEval]), [
    ["ls", false],
    ["python3", true],
    ["cat", false],
  ]);
});

Deno.test("analyzeCommand() parses the command string of a shell, and fails when it cannot", () => {
  const a = ok("bash -c 'cd /etc && cat shadow'");
  assert.deepEqual(a.readPaths, ["/etc/shadow"]);
  const bad = ok("echo hi"); // sanity
  assert.equal(bad.inlineEval, false);
});
