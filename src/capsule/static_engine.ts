/**
 * The static engine: a capsule's context text, skills and predefined
 * commands, injected without running any of its code. `staticContribution`
 * is pure (plan + file texts -> value); `readStaticFiles` is the small shell
 * that reads the files the plan names, confined to the capsule's folder.
 *
 * @module
 */

import { join } from "node:path";
import type { CommandSpec } from "./manifest.ts";
import type { StaticEnginePlan } from "./plan_capsule.ts";

/** A skill with its text resolved. */
export interface StaticSkill {
  readonly name: string;
  readonly description: string;
  readonly text: string;
}

/** What a capsule adds to the agent, as data. */
export interface StaticContribution {
  readonly capsule: string;
  /** Context blocks in manifest order: each file, then the inline text. */
  readonly context: readonly { readonly source: string; readonly text: string }[];
  readonly skills: readonly StaticSkill[];
  readonly commands: readonly CommandSpec[];
}

/** Result of {@link staticContribution}. */
export type StaticResult =
  | { readonly ok: true; readonly contribution: StaticContribution }
  | { readonly ok: false; readonly reason: string };

/** Largest file the static engine reads. */
export const MAX_STATIC_FILE_BYTES = 256 * 1024;

/** The files `plan` needs, relative to the capsule folder. */
export function staticFilesOf(plan: StaticEnginePlan): string[] {
  return [
    ...(plan.context?.files ?? []),
    ...plan.skills.flatMap((s) => s.file === undefined ? [] : [s.file]),
  ];
}

/** Resolve `plan` against the texts of its files (by relative path). */
export function staticContribution(
  plan: StaticEnginePlan,
  files: ReadonlyMap<string, string>,
): StaticResult {
  const missing = staticFilesOf(plan).filter((f) => !files.has(f));
  if (missing.length > 0) {
    return {
      ok: false,
      reason: `capsule "${plan.capsule}": missing ${missing.map((f) => `"${f}"`).join(", ")}`,
    };
  }
  const context = (plan.context?.files ?? []).map((f) => ({ source: f, text: files.get(f)! }));
  if (plan.context?.text !== undefined) {
    context.push({ source: "Capsule.toml [context] text", text: plan.context.text });
  }
  const skills = plan.skills.map((s) => ({
    name: s.name,
    description: s.description,
    text: s.file !== undefined ? files.get(s.file)! : s.text ?? "",
  }));
  return {
    ok: true,
    contribution: { capsule: plan.capsule, context, skills, commands: plan.commands },
  };
}

/** The context as one block of text, each part labelled with where it came from. */
export function renderStaticContext(c: StaticContribution): string {
  const parts = c.context.map((b) =>
    `<capsule-context capsule="${c.capsule}" source="${b.source}">\n${b.text}\n</capsule-context>`
  );
  if (c.skills.length > 0) {
    parts.push(
      `<capsule-skills capsule="${c.capsule}">\n${
        c.skills.map((s) => `- ${s.name}: ${s.description}`).join("\n")
      }\n</capsule-skills>`,
    );
  }
  return parts.join("\n\n");
}

/**
 * Read the files `plan` names from `capsuleDir`: regular files only, whose
 * real path stays inside the folder (a symlink out is refused), at most
 * {@link MAX_STATIC_FILE_BYTES} each, UTF-8.
 */
export async function readStaticFiles(
  capsuleDir: string,
  plan: StaticEnginePlan,
): Promise<Map<string, string>> {
  const root = await Deno.realPath(capsuleDir);
  const out = new Map<string, string>();
  for (const rel of staticFilesOf(plan)) {
    const real = await Deno.realPath(join(root, rel));
    if (!real.startsWith(`${root}/`)) {
      throw new Error(`capsule "${plan.capsule}": "${rel}" resolves outside the capsule folder`);
    }
    const st = await Deno.stat(real);
    if (!st.isFile || st.size > MAX_STATIC_FILE_BYTES) {
      throw new Error(
        `capsule "${plan.capsule}": "${rel}" is not a file of at most ${MAX_STATIC_FILE_BYTES} bytes`,
      );
    }
    out.set(rel, new TextDecoder("utf-8", { fatal: true }).decode(await Deno.readFile(real)));
  }
  return out;
}
