/**
 * The architecture rules of STYLE.md as pure functions over an import graph
 * and over source text, so they can be tested on synthetic cases as well as
 * run on the real `src/` tree (module_graph_test.ts).
 *
 * Layers, lowest first. A module may import its own layer and lower layers,
 * with one deliberate restriction in the middle tier (kept strict on purpose):
 *
 *   core <- security <- storage <- (config, tools, workspace, capsule, mcp, llm, openclaw)
 *        <- runtime <- frontends <- src/main.ts
 *
 * - The middle-tier concerns may import core, security and storage, and not
 *   each other, except the deliberate edges in `MIDDLE_TIER_EDGES`: tools and
 *   capsules confine paths with the workspace boundary (one implementation of
 *   confinement, not two). Add an edge only on purpose.
 * - Nothing imports `src/frontends/**` except `src/main.ts` and frontends.
 * - core and security import no Node built-in that does I/O.
 *
 * @module
 */

/** One import edge: repository-relative paths (`src/core/mod.ts`) or bare (`node:fs`, `npm:x`). */
export interface ImportEdge {
  readonly from: string;
  readonly to: string;
}

/** The middle tier: concerns that sit on core, security and storage only. */
export const MIDDLE_TIER: readonly string[] = [
  "config",
  "tools",
  "workspace",
  "capsule",
  "mcp",
  "llm",
  "openclaw",
];

/** Deliberate imports between middle-tier concerns. */
export const MIDDLE_TIER_EDGES: Readonly<Record<string, readonly string[]>> = {
  tools: ["workspace"],
  capsule: ["workspace"],
};

/** Node built-ins the pure core may use: no file system, network, processes or environment. */
export const CORE_NODE_ALLOWED: readonly string[] = ["node:crypto", "node:buffer", "node:path"];

/** The layer of a repository-relative path, or `null` if it is in none. */
export function layerOf(path: string): string | null {
  if (path === "src/main.ts") return "main";
  const m = path.match(/^src\/([^/]+)\//);
  if (!m) return null;
  const concern = m[1]!;
  if (["core", "security", "storage", "runtime", "frontends"].includes(concern)) return concern;
  return MIDDLE_TIER.includes(concern) ? concern : null;
}

/** Which layers `layer` may import. */
export function allowedImports(layer: string): readonly string[] {
  const below = ["core", "security", "storage"];
  switch (layer) {
    case "core":
      return ["core"];
    case "security":
      return ["core", "security"];
    case "storage":
      return below;
    case "runtime":
      return [...below, ...MIDDLE_TIER, "runtime"];
    case "frontends":
      return [...below, ...MIDDLE_TIER, "runtime", "frontends"];
    case "main":
      return [...below, ...MIDDLE_TIER, "runtime", "frontends", "main"];
    default:
      return MIDDLE_TIER.includes(layer)
        ? [...below, ...(MIDDLE_TIER_EDGES[layer] ?? []), layer]
        : [];
  }
}

/** Every rule an edge breaks, as one readable line each. */
export function checkImports(edges: readonly ImportEdge[]): string[] {
  const problems: string[] = [];
  for (const { from, to } of edges) {
    const fromLayer = layerOf(from);
    if (fromLayer === null) {
      problems.push(
        `${from} is in no layer: put it under a known src/<concern>/ or extend the table`,
      );
      continue;
    }
    if (to.startsWith("node:")) {
      if ((fromLayer === "core" || fromLayer === "security") && !CORE_NODE_ALLOWED.includes(to)) {
        problems.push(
          `${from} imports ${to}: ${fromLayer} may use only ${CORE_NODE_ALLOWED.join(", ")} ` +
            "(take a port instead of doing I/O)",
        );
      }
      continue;
    }
    if (to.startsWith("npm:")) continue;
    if (!to.startsWith("src/")) {
      problems.push(
        /^[a-z]+:/.test(to)
          ? `${from} imports ${to}: dependencies come only as npm: through the import map`
          : `${from} imports ${to}, which is outside src/`,
      );
      continue;
    }
    const toLayer = layerOf(to);
    if (toLayer === null) {
      problems.push(`${from} imports ${to}, which is in no layer`);
      continue;
    }
    if (!allowedImports(fromLayer).includes(toLayer)) {
      problems.push(
        `${from} imports ${to}: ${fromLayer} may import only ${
          allowedImports(fromLayer).join(", ")
        }`,
      );
    }
  }
  return problems;
}

/**
 * `source` with comments blanked out (newlines kept, so line numbers hold).
 * Strings, template literals and regular expression literals are kept.
 */
export function stripComments(source: string): string {
  const out: string[] = [];
  let i = 0;
  const n = source.length;
  // Each entry is the brace depth at which a template's `${` opened.
  const templates: number[] = [];
  let depth = 0;
  let lastSignificant = "";
  const blank = (s: string) => s.replace(/[^\n]/g, " ");

  const readString = (quote: string) => {
    let j = i + 1;
    while (j < n && source[j] !== quote && source[j] !== "\n") j += source[j] === "\\" ? 2 : 1;
    out.push(source.slice(i, j + 1));
    i = j + 1;
  };
  const readTemplate = () => {
    // From just after "`" or "}" up to the closing "`" or the next "${".
    let j = i;
    while (j < n && source[j] !== "`" && !(source[j] === "$" && source[j + 1] === "{")) {
      j += source[j] === "\\" ? 2 : 1;
    }
    if (source[j] === "`") {
      out.push(source.slice(i, j + 1));
      i = j + 1;
    } else {
      out.push(source.slice(i, j + 2));
      i = j + 2;
      templates.push(depth);
      depth++;
    }
    lastSignificant = "`";
  };

  while (i < n) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === "/" && next === "/") {
      const end = source.indexOf("\n", i);
      const stop = end < 0 ? n : end;
      out.push(blank(source.slice(i, stop)));
      i = stop;
    } else if (c === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      const stop = end < 0 ? n : end + 2;
      out.push(blank(source.slice(i, stop)));
      i = stop;
    } else if (c === "'" || c === '"') {
      readString(c);
      lastSignificant = c;
    } else if (c === "`") {
      out.push(c);
      i++;
      readTemplate();
    } else if (c === "/" && regexAllowedAfter(out.join("").trimEnd(), lastSignificant)) {
      let j = i + 1;
      let inClass = false;
      while (j < n && source[j] !== "\n") {
        if (source[j] === "\\") j += 2;
        else if (source[j] === "[") (inClass = true), j++;
        else if (source[j] === "]") (inClass = false), j++;
        else if (source[j] === "/" && !inClass) break;
        else j++;
      }
      j++;
      while (j < n && /[a-z]/i.test(source[j]!)) j++;
      out.push(source.slice(i, j));
      i = j;
      lastSignificant = "/";
    } else if (c === "{") {
      depth++;
      out.push(c);
      i++;
      lastSignificant = c;
    } else if (c === "}") {
      depth--;
      out.push(c);
      i++;
      if (templates.length > 0 && templates[templates.length - 1] === depth) {
        templates.pop();
        readTemplate();
      } else {
        lastSignificant = c;
      }
    } else {
      out.push(c);
      i++;
      if (!/\s/.test(c)) lastSignificant = c;
    }
  }
  return out.join("");
}

function regexAllowedAfter(before: string, last: string): boolean {
  if (last === "" || /[(,=:[!&|?{};+\-*%<>~^]/.test(last)) return true;
  return /\b(return|typeof|case|in|of|new|delete|void|throw|else|do|yield|await)$/.test(before);
}

/** Ambient authority the pure core must not reach for (it takes a port instead). */
export const FORBIDDEN_IN_CORE: readonly { pattern: RegExp; what: string }[] = [
  { pattern: /\bDeno\b/, what: "Deno.*" },
  { pattern: /\bDate\.now\s*\(/, what: "Date.now()" },
  { pattern: /\bnew Date\s*\(\s*\)/, what: "new Date() (reads the clock)" },
  { pattern: /\bperformance\.now\s*\(/, what: "performance.now()" },
  { pattern: /\bMath\.random\s*\(/, what: "Math.random()" },
];

/** Lines of `source` (a core or security module) that use ambient authority. */
export function findAmbientUse(path: string, source: string): string[] {
  const lines = stripComments(source).split("\n");
  const problems: string[] = [];
  lines.forEach((line, i) => {
    for (const { pattern, what } of FORBIDDEN_IN_CORE) {
      if (pattern.test(line)) problems.push(`${path}:${i + 1} uses ${what}: take a port instead`);
    }
  });
  return problems;
}
