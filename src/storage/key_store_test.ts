import assert from "node:assert/strict";
import { join } from "node:path";
import { AstridError, FakeClock, SeededRandom, toBase64Url, utf8 } from "../core/mod.ts";
import { verifySignature } from "../security/crypto/ed25519.ts";
import { signerOf, trustedPublicKey } from "../security/keyring.ts";
import { generateKey, keyPaths, loadKeyring, loadOrCreateKeyring } from "./key_store.ts";

async function withHome(fn: (home: string) => Promise<void>): Promise<void> {
  const home = await Deno.makeTempDir({ prefix: "astrid_keys_" });
  try {
    await fn(home);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
}

function deps(seed = 1, clock = new FakeClock()) {
  return { clock, random: new SeededRandom(seed) };
}

async function rejectsWith(p: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof AstridError, `expected AstridError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    return true;
  });
}

Deno.test("generateKey() writes the key folder 0700 and every key file 0600", async () => {
  await withHome(async (home) => {
    await generateKey(home, deps());
    const p = keyPaths(home);
    assert.equal((await Deno.stat(p.dir)).mode! & 0o777, 0o700);
    assert.equal((await Deno.stat(p.signingKey)).mode! & 0o777, 0o600);
    assert.equal((await Deno.stat(p.trusted)).mode! & 0o777, 0o600);
    // No temporary files are left behind.
    const names = [];
    for await (const e of Deno.readDir(p.dir)) names.push(e.name);
    assert.deepEqual(names.sort(), ["signing_key.json", "trusted.json"]);
  });
});

Deno.test("generateKey() tightens an existing key folder to 0700", async () => {
  await withHome(async (home) => {
    const p = keyPaths(home);
    await Deno.mkdir(p.dir, { mode: 0o755 });
    await Deno.chmod(p.dir, 0o755);
    await generateKey(home, deps());
    assert.equal((await Deno.stat(p.dir)).mode! & 0o777, 0o700);
  });
});

Deno.test("loadKeyring() returns the generated key, which signs verifiably", async () => {
  await withHome(async (home) => {
    const { keyring } = await generateKey(home, deps(7));
    const loaded = await loadKeyring(home);
    assert.equal(loaded.active.keyId, keyring.active.keyId);
    assert.deepEqual(loaded.active.seed, keyring.active.seed);
    assert.equal(loaded.active.createdAt, new FakeClock().now());
    assert.deepEqual([...loaded.trusted.keys()], [keyring.active.keyId]);
    const sig = signerOf(loaded).sign(utf8("hello"));
    assert.ok(verifySignature(loaded.active.publicKey, utf8("hello"), sig));
  });
});

Deno.test("loadKeyring() reports a missing key as KEY_MISSING with the path", async () => {
  await withHome(async (home) => {
    await rejectsWith(loadKeyring(home), "KEY_MISSING", /signing_key\.json.*astrid keys generate/);
  });
});

Deno.test("generateKey() refuses to overwrite an existing key without force", async () => {
  await withHome(async (home) => {
    const first = await generateKey(home, deps(1));
    await rejectsWith(generateKey(home, deps(2)), "KEY_EXISTS", /--force/);
    assert.equal((await loadKeyring(home)).active.keyId, first.keyring.active.keyId);
  });
});

Deno.test("generateKey() refuses without force even when the existing key file is broken", async () => {
  await withHome(async (home) => {
    const p = keyPaths(home);
    await Deno.mkdir(p.dir, { mode: 0o700 });
    await Deno.writeTextFile(p.signingKey, "not json", { mode: 0o600 });
    await rejectsWith(generateKey(home, deps()), "KEY_EXISTS", /--force/);
    assert.equal(await Deno.readTextFile(p.signingKey), "not json");
  });
});

Deno.test("generateKey({force}) rotates and keeps the old key's signatures verifiable", async () => {
  await withHome(async (home) => {
    const clock = new FakeClock();
    const first = await generateKey(home, { clock, random: new SeededRandom(1) });
    const oldSig = signerOf(first.keyring).sign(utf8("signed before rotation"));
    clock.advance(60_000);
    const second = await generateKey(home, { clock, random: new SeededRandom(2), force: true });
    clock.advance(60_000);
    const third = await generateKey(home, { clock, random: new SeededRandom(3), force: true });

    const ring = await loadKeyring(home);
    assert.equal(ring.active.keyId, third.keyring.active.keyId);
    assert.notEqual(first.keyring.active.keyId, second.keyring.active.keyId);
    assert.equal(ring.trusted.size, 3);
    const old = trustedPublicKey(ring, first.keyring.active.keyId);
    assert.ok(old, "the first key is still trusted by its key id");
    assert.ok(verifySignature(old, utf8("signed before rotation"), oldSig));
    assert.equal(
      ring.trusted.get(first.keyring.active.keyId)?.retiredAt,
      new FakeClock().now() + 60_000,
    );
    assert.equal(
      ring.trusted.get(second.keyring.active.keyId)?.retiredAt,
      new FakeClock().now() + 120_000,
    );
    assert.equal(ring.trusted.get(third.keyring.active.keyId)?.retiredAt, undefined);
    assert.equal(third.retired?.keyId, second.keyring.active.keyId);
  });
});

Deno.test("loadOrCreateKeyring() creates a key on first use and reuses it after", async () => {
  await withHome(async (home) => {
    const a = await loadOrCreateKeyring(home, deps(1));
    const b = await loadOrCreateKeyring(home, deps(99));
    assert.equal(b.active.keyId, a.active.keyId);
    assert.equal((await Deno.stat(keyPaths(home).signingKey)).mode! & 0o777, 0o600);
    assert.deepEqual([...b.trusted.keys()], [a.active.keyId]);
  });
});

Deno.test("loadOrCreateKeyring() racing on first use creates exactly one key", async () => {
  for (let round = 0; round < 5; round++) {
    await withHome(async (home) => {
      // Staggered starts give many interleavings: a caller that finished must
      // never see its key replaced by a caller that started before it finished.
      const rings = await Promise.all(
        Array.from({ length: 12 }, async (_, i) => {
          await new Promise((r) => setTimeout(r, (i * (round + 1)) % 5));
          return await loadOrCreateKeyring(home, deps(round * 100 + i + 1));
        }),
      );
      const onDisk = await loadKeyring(home);
      for (const ring of rings) assert.equal(ring.active.keyId, onDisk.active.keyId);
      assert.deepEqual([...onDisk.trusted.keys()], [onDisk.active.keyId]);
      const t = JSON.parse(await Deno.readTextFile(keyPaths(home).trusted));
      assert.equal(t.keys.length, 1, "trusted.json lists exactly the one created key");
      const names = [];
      for await (const e of Deno.readDir(keyPaths(home).dir)) names.push(e.name);
      assert.deepEqual(names.sort(), ["signing_key.json", "trusted.json"]);
    });
  }
});

Deno.test("loadKeyring() refuses a key file readable by group or others, naming it", async (t) => {
  for (const mode of [0o644, 0o640, 0o604, 0o620, 0o660]) {
    await t.step(`mode ${mode.toString(8)}`, async () => {
      await withHome(async (home) => {
        await generateKey(home, deps());
        const p = keyPaths(home);
        await Deno.chmod(p.signingKey, mode);
        await rejectsWith(
          loadKeyring(home),
          "KEY_INVALID",
          new RegExp(
            `${p.signingKey.replace(/[.]/g, "\\.")} has mode 0${mode.toString(8)}.*chmod 600`,
          ),
        );
      });
    });
  }
});

Deno.test("loadKeyring() refuses a trusted.json open to others, or a key folder others can write", async () => {
  await withHome(async (home) => {
    await generateKey(home, deps());
    const p = keyPaths(home);
    for (const mode of [0o646, 0o644, 0o640]) {
      await Deno.chmod(p.trusted, mode);
      await rejectsWith(
        loadKeyring(home),
        "KEY_INVALID",
        new RegExp(`trusted\\.json has mode 0${mode.toString(8)}.*chmod 600`),
      );
    }
    await Deno.chmod(p.trusted, 0o600);
    await loadKeyring(home);
    await Deno.chmod(p.dir, 0o777);
    await rejectsWith(loadKeyring(home), "KEY_INVALID", /key folder .*keys has mode 0777/);
  });
});

Deno.test("loadKeyring() refuses a signing key that is a symbolic link", async () => {
  await withHome(async (home) => {
    await generateKey(home, deps());
    const p = keyPaths(home);
    const elsewhere = join(home, "elsewhere.json");
    await Deno.rename(p.signingKey, elsewhere);
    await Deno.symlink(elsewhere, p.signingKey);
    await rejectsWith(loadKeyring(home), "KEY_INVALID", /symbolic link/);
  });
});

Deno.test("loadKeyring() names the file and the problem for malformed key files", async (t) => {
  const good = async (home: string) => {
    await generateKey(home, deps(5));
    return JSON.parse(await Deno.readTextFile(keyPaths(home).signingKey));
  };
  const other = toBase64Url(new Uint8Array(32).fill(7));
  const cases: [string, (k: Record<string, unknown>) => unknown, RegExp][] = [
    ["not JSON", () => "{", /not valid JSON/],
    ["an array", () => [], /expected a JSON object/],
    ["wrong version", (k) => ({ ...k, version: 2 }), /"version" is 2, expected 1/],
    ["seed missing", (k) => ({ ...k, seed: undefined }), /"seed" must be a string/],
    ["seed too short", (k) => ({ ...k, seed: "AAAA" }), /"seed" is 3 bytes, expected 32/],
    ["seed not base64url", (k) => ({ ...k, seed: "a+b/" }), /"seed" is not unpadded base64url/],
    [
      "public key of another seed",
      (k) => ({ ...k, publicKey: other }),
      /"publicKey" does not belong to "seed"/,
    ],
    ["wrong key id", (k) => ({ ...k, keyId: "ed25519:0000000000000000" }), /"keyId" is/],
    ["bad createdAt", (k) => ({ ...k, createdAt: "yesterday" }), /"createdAt" is "yesterday"/],
    ["__proto__ key", (k) => `{"__proto__":{"polluted":1},${JSON.stringify(k).slice(1)}`, /^$/],
  ];
  for (const [name, mutate, pattern] of cases) {
    await t.step(name, async () => {
      await withHome(async (home) => {
        const p = keyPaths(home);
        const mutated = mutate(await good(home));
        await Deno.writeTextFile(
          p.signingKey,
          typeof mutated === "string" ? mutated : JSON.stringify(mutated),
        );
        if (pattern.source === "^$") {
          // A prototype key is plain data: the key still loads and nothing is polluted.
          await loadKeyring(home);
          assert.equal(({} as Record<string, unknown>)["polluted"], undefined);
          return;
        }
        await rejectsWith(
          loadKeyring(home),
          "KEY_INVALID",
          new RegExp(
            `malformed key file ${p.signingKey.replace(/[.]/g, "\\.")}: ${pattern.source}`,
          ),
        );
      });
    });
  }
});

Deno.test("loadKeyring() refuses a trusted.json entry whose key id does not match its key", async () => {
  await withHome(async (home) => {
    await generateKey(home, deps());
    const p = keyPaths(home);
    const t = JSON.parse(await Deno.readTextFile(p.trusted));
    t.keys[0].keyId = "ed25519:ffffffffffffffff";
    await Deno.writeTextFile(p.trusted, JSON.stringify(t));
    await rejectsWith(loadKeyring(home), "KEY_INVALID", /trusted\.json \(keys\[0\]\).*"keyId"/);
  });
});

Deno.test("loadKeyring() refuses an oversized key file without parsing it", async () => {
  await withHome(async (home) => {
    await generateKey(home, deps());
    const p = keyPaths(home);
    await Deno.writeTextFile(p.signingKey, " ".repeat(100_000));
    await rejectsWith(loadKeyring(home), "KEY_INVALID", /too large/);
  });
});

Deno.test("generateKey({force}) refuses to rotate away a key file it cannot read", async () => {
  await withHome(async (home) => {
    await generateKey(home, deps());
    const p = keyPaths(home);
    await Deno.writeTextFile(p.signingKey, "{}");
    await rejectsWith(generateKey(home, { ...deps(2), force: true }), "KEY_INVALID", /signing_key/);
    assert.equal(await Deno.readTextFile(p.signingKey), "{}");
  });
});

Deno.test("the seed never appears in trusted.json", async () => {
  await withHome(async (home) => {
    const { keyring } = await generateKey(home, deps());
    const text = await Deno.readTextFile(keyPaths(home).trusted);
    assert.ok(!text.includes(toBase64Url(keyring.active.seed)));
  });
});
