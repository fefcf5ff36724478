import assert from "node:assert/strict";
import { compileGlob, globError, globMatch } from "./glob.ts";

Deno.test("globMatch() treats a trailing /** as the folder and everything below it", () => {
  assert.equal(globMatch("/etc/**", "/etc"), true);
  assert.equal(globMatch("/etc/**", "/etc/shadow"), true);
  assert.equal(globMatch("/etc/**", "/etc/ssh/sshd_config"), true);
  assert.equal(globMatch("/etc/**", "/etcetera/x"), false);
  assert.equal(globMatch("/etc/**", "/home/etc/x"), false);
});

Deno.test("globMatch() lets a leading **/ match at any depth, including the root", () => {
  assert.equal(globMatch("**/.bashrc", "/home/u/.bashrc"), true);
  assert.equal(globMatch("**/.bashrc", ".bashrc"), true);
  assert.equal(globMatch("**/.bashrc", "/home/u/.bashrc.bak"), false);
  assert.equal(globMatch("**/.git/hooks/**", "/w/repo/.git/hooks/pre-commit"), true);
});

Deno.test("globMatch() keeps * and ? inside one segment and matches dotfiles", () => {
  assert.equal(globMatch("/w/*.ts", "/w/a.ts"), true);
  assert.equal(globMatch("/w/*.ts", "/w/sub/a.ts"), false);
  assert.equal(globMatch("/w/*", "/w/.env"), true);
  assert.equal(globMatch("/w/?.ts", "/w/ab.ts"), false);
});

Deno.test("globMatch() supports classes, braces and escapes", () => {
  assert.equal(globMatch("/w/[ab].txt", "/w/a.txt"), true);
  assert.equal(globMatch("/w/[!ab].txt", "/w/a.txt"), false);
  assert.equal(globMatch("/w/[!ab].txt", "/w/c.txt"), true);
  assert.equal(globMatch("/w/*.{js,ts}", "/w/x.ts"), true);
  assert.equal(globMatch("/w/*.{js,ts}", "/w/x.rs"), false);
  assert.equal(globMatch("/w/\\*", "/w/*"), true);
  assert.equal(globMatch("/w/\\*", "/w/a"), false);
});

Deno.test("globMatch() with the host separator keeps * inside one label", () => {
  const o = { separator: "." as const, caseInsensitive: true };
  assert.equal(globMatch("*.example.com", "api.example.com", o), true);
  assert.equal(globMatch("*.example.com", "API.Example.COM", o), true);
  assert.equal(globMatch("*.example.com", "example.com", o), false);
  assert.equal(globMatch("*.example.com", "evil.com", o), false);
  assert.equal(globMatch("*.example.com", "a.example.com.evil.com", o), false);
  assert.equal(globMatch("**.example.com", "a.b.example.com", o), true);
  assert.equal(globMatch("**.example.com", "example.com", o), true);
  assert.equal(globMatch("**.example.com", "badexample.com", o), false);
  assert.equal(globMatch("**/x", "a/b/x"), true);
});

Deno.test("compileGlob() rejects malformed patterns with the pattern and position", () => {
  assert.match(globError("/w/[ab") ?? "", /unclosed "\[" at 3/);
  assert.match(globError("/w/{a,b") ?? "", /unclosed "\{" at 3/);
  assert.match(globError("") ?? "", /non-empty/);
  assert.match(globError("a\\") ?? "", /trailing backslash/);
  assert.equal(globError("/w/**"), undefined);
  assert.throws(() => compileGlob("{a,{b}}"), SyntaxError);
});

Deno.test("globMatch() escapes regexp metacharacters in literal text", () => {
  assert.equal(globMatch("/w/a+b(c).txt", "/w/a+b(c).txt"), true);
  assert.equal(globMatch("/w/a.txt", "/w/aXtxt"), false);
  assert.equal(globMatch("/w/$HOME|x", "/w/$HOME|x"), true);
});

Deno.test("globMatch() treats a hyphen outside a class as a literal", () => {
  assert.equal(globMatch("/home/u/my-project/**", "/home/u/my-project/src/a.ts"), true);
  assert.equal(globMatch("/home/u/my-project/**", "/home/u/myXproject/src/a.ts"), false);
  assert.equal(globMatch("evil-*", "evil-miner"), true);
  assert.equal(globMatch("*.my-host.com", "a.my-host.com", { separator: "." }), true);
});
