/**
 * The runtime's signing keys on disk, under `$ASTRID_HOME/keys/`:
 *
 * - `signing_key.json`: the active key (`keyId`, `publicKey`, `seed`, `createdAt`),
 *   seed and public key as unpadded base64url. Mode 0600.
 * - `trusted.json`: every public key that was ever active (`keyId`, `publicKey`,
 *   `createdAt`, `retiredAt`), so signatures made before a rotation still verify.
 *
 * The folder is 0700. Every file is written to a temporary file whose mode is
 * set to 0600 before any byte of data goes in, then moved into place, so a
 * reader never sees half a key and the seed is never readable by others.
 *
 * @module
 */

import { join } from "node:path";
import { AstridError, type Clock, fromBase64Url, type Random, toBase64Url } from "../core/mod.ts";
import { keyPairFromSeed } from "../security/crypto/ed25519.ts";
import { keyIdOf, type Keyring, type SigningKey, type TrustedKey } from "../security/keyring.ts";

/** Where the key files of `home` live. */
export interface KeyPaths {
  readonly dir: string;
  readonly signingKey: string;
  readonly trusted: string;
}

/** The key file paths under `home` (the resolved `ASTRID_HOME`). */
export function keyPaths(home: string): KeyPaths {
  const dir = join(home, "keys");
  return {
    dir,
    signingKey: join(dir, "signing_key.json"),
    trusted: join(dir, "trusted.json"),
  };
}

/** What `generateKey` did. */
export interface GeneratedKey {
  readonly keyring: Keyring;
  /** The key that was active before, now retired but still trusted. */
  readonly retired?: TrustedKey;
}

const MAX_KEY_FILE_BYTES = 64 * 1024;

/**
 * Load the keyring of `home`. Throws `AstridError("KEY_MISSING")` when there is
 * no signing key yet and `AstridError("KEY_INVALID")`, naming the file, when a
 * key file is malformed, inconsistent or readable by group or others.
 */
export async function loadKeyring(home: string): Promise<Keyring> {
  const paths = keyPaths(home);
  const active = await readSigningKey(paths);
  if (active === null) {
    throw new AstridError(
      "KEY_MISSING",
      `no signing key at ${paths.signingKey}; run 'astrid keys generate' to create one`,
    );
  }
  const listed = await readTrusted(paths);
  return { active, trusted: trustedWith(listed, active) };
}

/**
 * Load the keyring of `home`, creating a signing key first if there is none
 * ("the first command that needs a key creates one"). Concurrent first uses
 * agree on one key: the key file is published with create-new semantics, and
 * whoever loses the race loads the winner's key.
 */
export async function loadOrCreateKeyring(
  home: string,
  deps: { clock: Clock; random: Random },
): Promise<Keyring> {
  const paths = keyPaths(home);
  if ((await readSigningKey(paths)) === null) {
    const key = newSigningKey(deps);
    await ensureKeyDir(paths);
    if (await publishNew(paths.signingKey, encodeSigningKey(key))) {
      const listed = await readTrusted(paths);
      await writeAtomic(paths.trusted, encodeTrusted([...listed.values(), trustedOf(key)]));
    }
  }
  return await loadKeyring(home);
}

/**
 * Create a new signing key. Without `force` it refuses when a key file exists
 * (`AstridError("KEY_EXISTS")`). With `force` the old key is retired but stays
 * in `trusted.json` under its key id, so its signatures keep verifying; an old
 * key file that cannot be read is reported, never silently dropped from trust.
 */
export async function generateKey(
  home: string,
  options: { force?: boolean; clock: Clock; random: Random },
): Promise<GeneratedKey> {
  const paths = keyPaths(home);
  if (!options.force && await exists(paths.signingKey)) {
    const old = await readSigningKey(paths).catch(() => null);
    throw new AstridError(
      "KEY_EXISTS",
      `a signing key already exists at ${paths.signingKey}${old ? ` (${old.keyId})` : ""}; ` +
        "use --force to replace it (the old public key stays trusted)",
    );
  }
  const old = await readSigningKey(paths);
  const key = newSigningKey(options);
  await ensureKeyDir(paths);
  const listed = await readTrusted(paths);
  if (old === null) {
    if (!(await publishNew(paths.signingKey, encodeSigningKey(key)))) {
      throw new AstridError(
        "KEY_EXISTS",
        `a signing key appeared at ${paths.signingKey} while generating; use --force to replace it`,
      );
    }
    await writeAtomic(paths.trusted, encodeTrusted([...listed.values(), trustedOf(key)]));
    return { keyring: await loadKeyring(home) };
  }
  // Trust the new key and retire the old one before switching: a crash in
  // between leaves the old key active and trusted, never an untrusted old key.
  const retired: TrustedKey = {
    ...(listed.get(old.keyId) ?? trustedOf(old)),
    retiredAt: options.clock.now(),
  };
  const next = new Map(listed);
  next.set(old.keyId, retired);
  next.set(key.keyId, trustedOf(key));
  await writeAtomic(paths.trusted, encodeTrusted([...next.values()]));
  await writeAtomic(paths.signingKey, encodeSigningKey(key));
  return { keyring: await loadKeyring(home), retired };
}

// ---------------------------------------------------------------------------
// Reading

function newSigningKey(deps: { clock: Clock; random: Random }): SigningKey {
  const seed = deps.random.bytes(32);
  if (seed.length !== 32) {
    throw new RangeError(`random source returned ${seed.length} bytes, expected 32`);
  }
  const { publicKey } = keyPairFromSeed(seed);
  return { keyId: keyIdOf(publicKey), seed, publicKey, createdAt: deps.clock.now() };
}

function trustedOf(key: SigningKey | TrustedKey): TrustedKey {
  return { keyId: key.keyId, publicKey: key.publicKey, createdAt: key.createdAt };
}

/** Trusted keys from the file, plus the active key, which is always trusted and never retired. */
function trustedWith(
  listed: ReadonlyMap<string, TrustedKey>,
  active: SigningKey,
): ReadonlyMap<string, TrustedKey> {
  const out = new Map(listed);
  out.set(active.keyId, trustedOf(active));
  return out;
}

async function readSigningKey(paths: KeyPaths): Promise<SigningKey | null> {
  const text = await readGuarded(paths.signingKey, paths.dir);
  if (text === null) return null;
  const file = paths.signingKey;
  const obj = parseObject(text, file);
  const seed = bytesField(obj, "seed", 32, file);
  const publicKey = bytesField(obj, "publicKey", 32, file);
  const keyId = stringField(obj, "keyId", file);
  const createdAt = timeField(obj, "createdAt", file);
  const derived = keyPairFromSeed(seed).publicKey;
  if (toBase64Url(derived) !== toBase64Url(publicKey)) {
    throw invalid(file, `"publicKey" does not belong to "seed"`);
  }
  if (keyIdOf(publicKey) !== keyId) {
    throw invalid(file, `"keyId" is "${keyId}" but the public key's id is "${keyIdOf(publicKey)}"`);
  }
  return { keyId, seed, publicKey, createdAt };
}

async function readTrusted(paths: KeyPaths): Promise<ReadonlyMap<string, TrustedKey>> {
  // Only public keys, but anyone who can write this file chooses what we trust;
  // held to the same 0600 as the seed so one rule covers every key file.
  const text = await readGuarded(paths.trusted, paths.dir);
  const out = new Map<string, TrustedKey>();
  if (text === null) return out;
  const file = paths.trusted;
  const obj = parseObject(text, file);
  const keys = obj["keys"];
  if (!Array.isArray(keys)) throw invalid(file, `"keys" must be an array`);
  keys.forEach((entry, i) => {
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
      throw invalid(file, `"keys[${i}]" must be an object`);
    }
    const e = entry as Record<string, unknown>;
    const where = `${file} (keys[${i}])`;
    const publicKey = bytesField(e, "publicKey", 32, where);
    const keyId = stringField(e, "keyId", where);
    if (keyIdOf(publicKey) !== keyId) {
      throw invalid(
        where,
        `"keyId" is "${keyId}" but the public key's id is "${keyIdOf(publicKey)}"`,
      );
    }
    const createdAt = timeField(e, "createdAt", where);
    const retiredAt = e["retiredAt"] === undefined || e["retiredAt"] === null
      ? undefined
      : timeField(e, "retiredAt", where);
    out.set(
      keyId,
      retiredAt === undefined ? { keyId, publicKey, createdAt } : {
        keyId,
        publicKey,
        createdAt,
        retiredAt,
      },
    );
  });
  return out;
}

/**
 * Read a key file, or `null` when it does not exist. Refuses symlinks, files
 * larger than 64 KiB, files group or others may read or write, and a key
 * folder others may write, naming the file and the fix.
 */
async function readGuarded(file: string, dir: string): Promise<string | null> {
  let info: Deno.FileInfo;
  try {
    info = await Deno.lstat(file);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw new AstridError("KEY_INVALID", `cannot read key file ${file}: ${String(e)}`, {
      cause: e,
    });
  }
  if (!info.isFile) {
    throw invalid(
      file,
      info.isSymlink ? "it is a symbolic link, expected a regular file" : "not a regular file",
    );
  }
  const dirInfo = await Deno.stat(dir);
  if (dirInfo.mode !== null && (dirInfo.mode & 0o022) !== 0) {
    throw new AstridError(
      "KEY_INVALID",
      `key folder ${dir} has mode ${octal(dirInfo.mode)}: others could replace the keys in it; ` +
        `fix with 'chmod 700 ${dir}'`,
    );
  }
  if (info.mode !== null && (info.mode & 0o077) !== 0) {
    throw new AstridError(
      "KEY_INVALID",
      `key file ${file} has mode ${octal(info.mode)}: it must not be readable or writable ` +
        `by group or others; fix with 'chmod 600 ${file}'`,
    );
  }
  if (info.size > MAX_KEY_FILE_BYTES) {
    throw invalid(
      file,
      `${info.size} bytes is too large for a key file (limit ${MAX_KEY_FILE_BYTES})`,
    );
  }
  try {
    return await Deno.readTextFile(file);
  } catch (e) {
    throw new AstridError("KEY_INVALID", `cannot read key file ${file}: ${String(e)}`, {
      cause: e,
    });
  }
}

function octal(mode: number): string {
  return `0${(mode & 0o777).toString(8).padStart(3, "0")}`;
}

function invalid(where: string, what: string): AstridError {
  return new AstridError("KEY_INVALID", `malformed key file ${where}: ${what}`);
}

function parseObject(text: string, file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw invalid(file, `not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalid(file, "expected a JSON object");
  }
  const obj = value as Record<string, unknown>;
  if (obj["version"] !== 1) {
    throw invalid(file, `"version" is ${JSON.stringify(obj["version"])}, expected 1`);
  }
  return obj;
}

function stringField(obj: Record<string, unknown>, key: string, where: string): string {
  const v = obj[key];
  if (typeof v !== "string") throw invalid(where, `"${key}" must be a string`);
  return v;
}

function bytesField(
  obj: Record<string, unknown>,
  key: string,
  length: number,
  where: string,
): Uint8Array {
  const s = stringField(obj, key, where);
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(s);
  } catch {
    throw invalid(where, `"${key}" is not unpadded base64url`);
  }
  if (bytes.length !== length) {
    throw invalid(where, `"${key}" is ${bytes.length} bytes, expected ${length}`);
  }
  return bytes;
}

function timeField(obj: Record<string, unknown>, key: string, where: string): number {
  const s = stringField(obj, key, where);
  const ms = Date.parse(s);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(s) || Number.isNaN(ms)) {
    throw invalid(where, `"${key}" is "${s.slice(0, 40)}", expected an ISO 8601 timestamp`);
  }
  return ms;
}

// ---------------------------------------------------------------------------
// Writing

function encodeSigningKey(key: SigningKey): string {
  return JSON.stringify(
    {
      version: 1,
      keyId: key.keyId,
      publicKey: toBase64Url(key.publicKey),
      seed: toBase64Url(key.seed),
      createdAt: new Date(key.createdAt).toISOString(),
    },
    null,
    2,
  ) + "\n";
}

function encodeTrusted(keys: readonly TrustedKey[]): string {
  return JSON.stringify(
    {
      version: 1,
      keys: keys.map((k) => ({
        keyId: k.keyId,
        publicKey: toBase64Url(k.publicKey),
        createdAt: new Date(k.createdAt).toISOString(),
        retiredAt: k.retiredAt === undefined ? null : new Date(k.retiredAt).toISOString(),
      })),
    },
    null,
    2,
  ) + "\n";
}

async function ensureKeyDir(paths: KeyPaths): Promise<void> {
  await Deno.mkdir(paths.dir, { recursive: true, mode: 0o700 });
  // mkdir's mode passes through the umask and leaves an existing folder as it is.
  await Deno.chmod(paths.dir, 0o700);
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

/** Write `data` to a fresh 0600 temporary file beside `target`; returns its path. */
async function writeTemp(target: string, data: string): Promise<string> {
  const tmp = `${target}.${crypto.randomUUID()}.tmp`;
  const file = await Deno.open(tmp, { write: true, createNew: true, mode: 0o600 });
  try {
    // The mode is fixed before any data is written: the seed is never readable by others.
    await Deno.chmod(tmp, 0o600);
    const bytes = new TextEncoder().encode(data);
    let off = 0;
    while (off < bytes.length) off += await file.write(bytes.subarray(off));
    await file.sync();
  } catch (e) {
    file.close();
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
  file.close();
  return tmp;
}

/** Replace `target` atomically (temporary file + rename). */
async function writeAtomic(target: string, data: string): Promise<void> {
  const tmp = await writeTemp(target, data);
  try {
    await Deno.rename(tmp, target);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}

/**
 * Publish `target` only if it does not exist yet (create-new semantics), fully
 * written or not at all: a hard link of a finished temporary file fails with
 * AlreadyExists when another writer won. Returns whether this call won.
 */
async function publishNew(target: string, data: string): Promise<boolean> {
  const tmp = await writeTemp(target, data);
  try {
    await Deno.link(tmp, target);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.AlreadyExists) return false;
    throw e;
  } finally {
    await Deno.remove(tmp).catch(() => {});
  }
}
