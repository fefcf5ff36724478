/**
 * Bring a capsule (a folder or a `.tar.gz`) into a fresh staging folder,
 * check it, and read its manifest. Nothing is installed here: the staging
 * folder is moved into place only after the human approved.
 *
 * Invariants:
 * - only regular files and folders are staged: a symlink, device or FIFO
 *   anywhere in the source refuses the whole capsule (a link could point
 *   the installed capsule at any file later);
 * - archive entries are checked by `readTarArchive` before anything is
 *   written, then written with `createNew` into folders this code made, so
 *   no entry can land outside the staging folder;
 * - the gzip stream is cut off at the size limit (a gzip bomb stops early);
 * - every file the manifest names (component, context, skills) exists in
 *   the capsule as a regular file, and the component matches its pin.
 *
 * @module
 */

import { join } from "node:path";
import { AstridError, canonicalJson } from "../core/mod.ts";
import { blake3Domain, blake3Hex } from "../security/mod.ts";
import { ARCHIVE_LIMITS, type ArchiveEntry, readTarArchive } from "./capsule_archive.ts";
import type { CapsuleManifest } from "./manifest.ts";
import { ManifestError } from "./manifest_error.ts";
import { checkManifest } from "./parse_manifest.ts";
import { verifyComponentHash } from "./verify_component_hash.ts";

/** A checked capsule in its staging folder. */
export interface StagedCapsule {
  readonly dir: string;
  readonly manifest: CapsuleManifest;
  /** `blake3:<hex>` of every file's path, execute bit and content ({@link capsuleTreeHash}). */
  readonly contentHash: string;
  /** `blake3:<hex>` of the component as staged, or null without one. */
  readonly componentHash: string | null;
  readonly files: number;
  readonly bytes: number;
}

const MANIFEST = "Capsule.toml";

/** Stage `source` into `staging` (which must not exist yet). */
export async function stageCapsule(
  source: string,
  staging: string,
  options: { production: boolean },
): Promise<StagedCapsule> {
  const fail = (message: string) => new AstridError("CAPSULE_INSTALL_FAILED", message);
  let info: Deno.FileInfo;
  try {
    info = await Deno.stat(source);
  } catch (e) {
    throw fail(`Cannot read capsule "${source}": ${(e as Error).message}`);
  }
  await Deno.mkdir(staging, { mode: 0o755 });
  if (info.isDirectory) {
    await copyTree(await Deno.realPath(source), staging, { files: 0, bytes: 0 });
  } else if (info.isFile && /\.(tar\.gz|tgz)$/.test(source)) {
    await extractArchive(source, staging);
  } else {
    throw fail(`"${source}" is neither a folder nor a .tar.gz archive`);
  }
  const manifestPath = join(staging, MANIFEST);
  const text = await readRegularFile(manifestPath).catch(() => {
    throw fail(`"${source}" has no ${MANIFEST} at its top level`);
  });
  const checked = checkManifest(new TextDecoder().decode(text), `${source}/${MANIFEST}`);
  if (!checked.ok) throw new ManifestError(checked.problems);
  const manifest = checked.manifest;
  for (const rel of referencedFiles(manifest)) {
    await readRegularFile(join(staging, rel)).catch(() => {
      throw fail(`${MANIFEST} names "${rel}", which is not a file in the capsule`);
    });
  }
  let componentHash: string | null = null;
  if (manifest.component) {
    const bytes = await readRegularFile(join(staging, manifest.component.entrypoint));
    const verdict = verifyComponentHash(
      bytes,
      manifest.component.hash ?? null,
      options.production,
      `capsule "${manifest.package.name}" component "${manifest.component.entrypoint}"`,
    );
    if (!verdict.ok) {
      throw new AstridError(
        verdict.mismatch ? "CAPSULE_HASH_MISMATCH" : "CAPSULE_INSTALL_FAILED",
        verdict.reason,
      );
    }
    componentHash = verdict.actual;
  }
  const tree = await capsuleTreeHash(staging);
  if (!tree.ok) throw fail(tree.reason);
  return {
    dir: staging,
    manifest,
    contentHash: tree.hash,
    componentHash,
    files: tree.files,
    bytes: tree.bytes,
  };
}

/** Files the manifest refers to, relative to the capsule folder. */
function referencedFiles(m: CapsuleManifest): string[] {
  return [
    ...(m.component ? [m.component.entrypoint] : []),
    ...(m.context?.files ?? []),
    ...m.skills.flatMap((s) => s.file === undefined ? [] : [s.file]),
  ];
}

/** Result of {@link capsuleTreeHash}. */
export type TreeHash =
  | { ok: true; hash: string; files: number; bytes: number }
  | { ok: false; reason: string };

/**
 * `blake3:<hex>` over every file of `dir` (path, execute bit, BLAKE3 of the
 * content), in path order. A link or special file is a problem, not skipped.
 */
export async function capsuleTreeHash(dir: string): Promise<TreeHash> {
  const files: { path: string; exec: boolean; hash: string }[] = [];
  let bytes = 0;
  try {
    for await (const f of walkFiles(dir, "")) {
      const data = await Deno.readFile(join(dir, f.path));
      bytes += data.length;
      files.push({ path: f.path, exec: f.exec, hash: blake3Hex(data) });
    }
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
  files.sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  const digest = blake3Domain(
    "astrid capsule tree v1",
    new TextEncoder().encode(canonicalJson(files)),
  );
  return { ok: true, hash: `blake3:${digest}`, files: files.length, bytes };
}

async function* walkFiles(
  root: string,
  rel: string,
): AsyncGenerator<{ path: string; exec: boolean }> {
  const entries: Deno.DirEntry[] = [];
  for await (const e of Deno.readDir(join(root, rel))) entries.push(e);
  entries.sort((a, b) => a.name < b.name ? -1 : 1);
  for (const e of entries) {
    const path = rel === "" ? e.name : `${rel}/${e.name}`;
    const st = await Deno.lstat(join(root, path));
    if (st.isSymlink) throw new Error(`"${path}" is a symbolic link`);
    if (st.isDirectory) yield* walkFiles(root, path);
    else if (st.isFile) yield { path, exec: ((st.mode ?? 0) & 0o111) !== 0 };
    else throw new Error(`"${path}" is not a regular file or folder`);
  }
}

async function copyTree(
  from: string,
  to: string,
  count: { files: number; bytes: number },
  rel = "",
): Promise<void> {
  for await (const e of Deno.readDir(join(from, rel))) {
    const path = rel === "" ? e.name : `${rel}/${e.name}`;
    const st = await Deno.lstat(join(from, path));
    if (st.isSymlink) {
      throw new AstridError(
        "CAPSULE_INSTALL_FAILED",
        `"${join(from, path)}" is a symbolic link; capsules may not contain links`,
      );
    }
    if (st.isDirectory) {
      await Deno.mkdir(join(to, path), { mode: 0o755 });
      await copyTree(from, to, count, path);
      continue;
    }
    if (!st.isFile) {
      throw new AstridError(
        "CAPSULE_INSTALL_FAILED",
        `"${join(from, path)}" is not a regular file or folder`,
      );
    }
    count.files++;
    count.bytes += st.size;
    if (count.files > ARCHIVE_LIMITS.maxEntries || count.bytes > ARCHIVE_LIMITS.maxBytes) {
      throw new AstridError(
        "CAPSULE_INSTALL_FAILED",
        `capsule "${from}" has more than ${ARCHIVE_LIMITS.maxEntries} files or ${ARCHIVE_LIMITS.maxBytes} bytes`,
      );
    }
    const data = await Deno.readFile(join(from, path));
    await Deno.writeFile(join(to, path), data, {
      createNew: true,
      mode: ((st.mode ?? 0) & 0o111) !== 0 ? 0o755 : 0o644,
    });
  }
}

async function extractArchive(source: string, staging: string): Promise<void> {
  const tar = await gunzip(source, ARCHIVE_LIMITS.maxBytes * 2);
  const read = readTarArchive(tar);
  if (!read.ok) {
    throw new AstridError(
      "CAPSULE_ARCHIVE_INVALID",
      `Refusing archive "${source}": ${read.reason}`,
    );
  }
  for (const e of stripTopFolder(read.entries)) {
    const path = join(staging, e.path);
    if (e.kind === "dir") {
      await Deno.mkdir(path, { recursive: true, mode: 0o755 });
      continue;
    }
    const slash = e.path.lastIndexOf("/");
    if (slash > 0) {
      await Deno.mkdir(join(staging, e.path.slice(0, slash)), { recursive: true, mode: 0o755 });
    }
    await Deno.writeFile(path, e.data, { createNew: true, mode: e.executable ? 0o755 : 0o644 });
  }
}

/** `name-1.0/Capsule.toml` -> `Capsule.toml` when everything is under one folder. */
function stripTopFolder(entries: readonly ArchiveEntry[]): readonly ArchiveEntry[] {
  if (entries.some((e) => e.path === MANIFEST)) return entries;
  const tops = new Set(entries.map((e) => e.path.split("/")[0]!));
  if (tops.size !== 1) return entries;
  const [top] = tops;
  if (!entries.some((e) => e.path === `${top}/${MANIFEST}`)) return entries;
  return entries.filter((e) => e.path !== top).map((e) => ({
    ...e,
    path: e.path.slice(top!.length + 1),
  }));
}

async function gunzip(path: string, maxBytes: number): Promise<Uint8Array> {
  // The readable closes the file when it ends or is cancelled.
  const file = await Deno.open(path);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = file.readable.pipeThrough(new DecompressionStream("gzip")).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > maxBytes) {
        throw new AstridError(
          "CAPSULE_ARCHIVE_INVALID",
          `Refusing archive "${path}": it unpacks to more than ${maxBytes} bytes`,
        );
      }
      chunks.push(value);
    }
  } catch (e) {
    await reader.cancel().catch(() => {});
    if (e instanceof AstridError) throw e;
    throw new AstridError(
      "CAPSULE_ARCHIVE_INVALID",
      `Refusing archive "${path}": not a valid gzip file (${(e as Error).message})`,
    );
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

async function readRegularFile(path: string): Promise<Uint8Array> {
  const st = await Deno.lstat(path);
  if (!st.isFile) throw new Error(`"${path}" is not a regular file`);
  return await Deno.readFile(path);
}
