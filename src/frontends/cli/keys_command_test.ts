import assert from "node:assert/strict";
import { toBase64Url, toHex } from "../../core/mod.ts";
import { keyPaths, loadKeyring } from "../../storage/mod.ts";
import { CapturedIo } from "./context.ts";
import { runCli } from "./program.ts";

function encodeBase64(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes));
}

async function withHome(fn: (home: string) => Promise<void>): Promise<void> {
  const home = await Deno.makeTempDir({ prefix: "astrid_cli_keys_" });
  try {
    await fn(home);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

async function astrid(home: string, ...args: string[]) {
  const io = new CapturedIo();
  const code = await runCli(args, { io, env: { ASTRID_HOME: home }, cwd: home });
  return { code, out: io.out, err: io.err };
}

Deno.test("astrid keys generate creates a 0600 key under ASTRID_HOME/keys and prints its id", async () => {
  await withHome(async (home) => {
    const r = await astrid(home, "keys", "generate");
    assert.equal(r.code, 0, r.err);
    const ring = await loadKeyring(home);
    assert.match(r.out, new RegExp(`Generated signing key ${ring.active.keyId}`));
    assert.equal((await Deno.stat(keyPaths(home).signingKey)).mode! & 0o777, 0o600);
    assert.equal((await Deno.stat(keyPaths(home).dir)).mode! & 0o777, 0o700);
  });
});

Deno.test("astrid keys generate refuses to overwrite without --force (exit 1, says --force)", async () => {
  await withHome(async (home) => {
    await astrid(home, "keys", "generate");
    const before = await loadKeyring(home);
    const r = await astrid(home, "keys", "generate");
    assert.equal(r.code, 1);
    assert.match(r.err, /already exists.*use --force.*\[KEY_EXISTS\]/);
    assert.equal((await loadKeyring(home)).active.keyId, before.active.keyId);
  });
});

Deno.test("astrid keys generate --force rotates and keys show lists the retired key", async () => {
  await withHome(async (home) => {
    await astrid(home, "keys", "generate");
    const old = await loadKeyring(home);
    const r = await astrid(home, "keys", "generate", "--force");
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, new RegExp(`Retired ${old.active.keyId}; it stays trusted`));
    const show = await astrid(home, "keys", "show");
    assert.equal(show.code, 0, show.err);
    assert.match(show.out, /Retired keys, still trusted for verification \(1\)/);
    assert.match(show.out, new RegExp(`${old.active.keyId}.*retired `));
  });
});

Deno.test("astrid keys show prints id, public key, fingerprint and created; --json parses", async () => {
  await withHome(async (home) => {
    await astrid(home, "keys", "generate");
    const ring = await loadKeyring(home);
    const text = await astrid(home, "keys", "show");
    assert.equal(text.code, 0);
    assert.match(text.out, new RegExp(`key id: +${ring.active.keyId}`));
    assert.match(text.out, new RegExp(`public key: +${toBase64Url(ring.active.publicKey)}`));
    assert.match(text.out, /fingerprint: +BLAKE3:[A-Za-z0-9_-]{43}/);
    assert.match(text.out, /created: +\d{4}-\d\d-\d\dT/);
    const json = await astrid(home, "keys", "show", "--json");
    const parsed = JSON.parse(json.out);
    assert.equal(parsed.active.keyId, ring.active.keyId);
    assert.equal(parsed.trusted.length, 1);
    assert.equal(parsed.trusted[0].active, true);
  });
});

Deno.test("astrid keys never prints the secret seed, in any encoding or output", async () => {
  await withHome(async (home) => {
    const outputs = [
      await astrid(home, "keys", "generate", "--json"),
      await astrid(home, "keys", "show"),
      await astrid(home, "keys", "show", "--json"),
    ];
    const seeds = [(await loadKeyring(home)).active.seed];
    outputs.push(await astrid(home, "keys", "generate", "--force"));
    outputs.push(await astrid(home, "keys", "generate", "--force", "--json"));
    outputs.push(await astrid(home, "keys", "show", "--json"));
    seeds.push((await loadKeyring(home)).active.seed);
    const all = outputs.map((o) => o.out + o.err).join("\n");
    assert.ok(all.includes("ed25519:"), "the outputs are non-empty");
    for (const seed of seeds) {
      for (const enc of [toHex(seed), toBase64Url(seed), encodeBase64(seed)]) {
        assert.ok(!all.includes(enc.slice(0, 16)), `seed bytes (${enc.slice(0, 6)}...) leaked`);
      }
    }
  });
});

Deno.test("astrid keys show without a key exits 1 and says how to create one", async () => {
  await withHome(async (home) => {
    const r = await astrid(home, "keys", "show");
    assert.equal(r.code, 1);
    assert.match(r.err, /no signing key at .*signing_key\.json; run 'astrid keys generate'/);
    assert.equal(r.out, "");
  });
});

Deno.test("astrid keys show names the file when its permissions are too open", async () => {
  await withHome(async (home) => {
    await astrid(home, "keys", "generate");
    await Deno.chmod(keyPaths(home).signingKey, 0o644);
    const r = await astrid(home, "keys", "show");
    assert.equal(r.code, 1);
    assert.match(r.err, /key file .*signing_key\.json has mode 0644.*chmod 600.*\[KEY_INVALID\]/);
  });
});

Deno.test("astrid keys resolves a relative ASTRID_HOME against the working directory", async () => {
  await withHome(async (dir) => {
    const io = new CapturedIo();
    const code = await runCli(["keys", "generate"], {
      io,
      env: { ASTRID_HOME: "rel_home" },
      cwd: dir,
    });
    assert.equal(code, 0, io.err);
    await loadKeyring(`${dir}/rel_home`);
  });
});
