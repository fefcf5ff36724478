/**
 * Session allowances for commands: "allow for this session" covers the same
 * program with the same argument shape, and nothing wider.
 *
 * The shape of a command is, in order:
 * - the wrappers it runs under (`nohup >`, `timeout >`), then the program as
 *   written (`git`; `./build.sh` keeps its path, since `./a/x` and `./b/x`
 *   are different programs), then the names of variables set for it
 *   (`NODE_ENV=*`);
 * - for programs with subcommands (`git`, `npm`, `cargo`, `docker`, ...):
 *   their global options as written, the subcommand, and one more word for
 *   subcommand groups (`npm run build`, `git stash pop`);
 * - for programs whose operands are plain files (`cat`, `ls`, `grep`, `cp`,
 *   `rm`, ...): the option names, sorted (`-la` counts as `-a -l`; values
 *   attached with `=` become `=*`), then `<paths>` for the operands. Those
 *   files are separate file actions that the path policy checks every time.
 * - for every other program: the remaining arguments exactly, in order. For
 *   them a word can be a package, an image, a remote or a program (`npm
 *   install left-pad` must not cover `npm install evil`), and reordering could
 *   pair an option with another option's value.
 *
 * So: `git status` and `git status -s` differ (the flag `-s`); `npm test` and
 * `npm run build` differ (subcommand), and so do `npm run build` and `npm run
 * lint` (script name); `cat a.txt` and `cat b.txt` share `cat <paths>`;
 * `rm x` and `rm -rf y` differ (flags); `ls -la src` and `ls -al lib` share
 * `ls -a -l <paths>`; `git commit -m one` and `git commit -m two` differ.
 *
 * Never rememberable: inline evaluation, chains (`&&`, `;`, `|`),
 * redirections, substitutions, more than one command (which includes
 * `sudo cmd`), unknown paths, `<dynamic>` programs, and lines that did not
 * parse. A global option of a subcommand program that we do not model makes
 * a command not rememberable too, since it could take a value that we would
 * mistake for the subcommand.
 *
 * @module
 */

import type { AnalyzedCommand, CommandAnalysis } from "./command_analysis.ts";
import { operandsAreFiles } from "./program_paths.ts";
import { type OptionSpec, scanOptions } from "./scan_options.ts";
import { literalArg } from "./word_value.ts";

/** Global options (before the subcommand) that we understand, per program. */
const SUBCOMMAND_PROGRAMS: Readonly<Record<string, OptionSpec>> = {
  git: {
    flags: "pP",
    values: "Cc",
    longFlags: ["no-pager", "paginate", "bare", "no-optional-locks", "literal-pathspecs"],
    longValues: ["git-dir", "work-tree", "namespace"],
  },
  npm: {
    flags: "gsqdy",
    longFlags: ["silent", "quiet", "global", "yes"],
    longValues: ["prefix", "workspace"],
  },
  pnpm: {
    flags: "rs",
    values: "C",
    longFlags: ["recursive", "silent"],
    longValues: ["dir", "filter"],
  },
  yarn: { flags: "s", longFlags: ["silent"], longValues: ["cwd"] },
  bun: {},
  deno: { flags: "q", longFlags: ["quiet"] },
  cargo: {
    flags: "qv",
    values: "CZ",
    longFlags: ["quiet", "verbose", "frozen", "locked", "offline"],
  },
  go: {},
  docker: { longValues: ["context", "host", "config"], values: "cH" },
  podman: {},
  kubectl: { values: "n", longValues: ["namespace", "context", "kubeconfig", "cluster", "user"] },
  helm: { values: "n", longValues: ["namespace", "kube-context", "kubeconfig"] },
  pip: {},
  pip3: {},
  poetry: {},
  uv: {},
  gh: { values: "R", longValues: ["repo"] },
  apt: {},
  "apt-get": {},
  brew: {},
  systemctl: { longFlags: ["user", "system"] },
  terraform: { longValues: ["chdir"] },
  make: { values: "Cfj", longValues: ["directory", "file", "jobs"], flags: "ksnB" },
  just: {},
  dotnet: {},
  mvn: { flags: "qBU" },
  gradle: { flags: "q" },
  rustup: {},
  conda: {},
  composer: {},
  bundle: {},
  rake: {},
  npx: { flags: "y", longFlags: ["yes"] },
  tsc: {},
};

/** Subcommands whose next word selects the real action. */
const GROUPS = new Set([
  "run",
  "run-script",
  "exec",
  "x",
  "remote",
  "stash",
  "submodule",
  "worktree",
  "compose",
  "container",
  "image",
  "network",
  "volume",
  "system",
  "config",
  "bisect",
  "lfs",
  "notes",
  "sparse-checkout",
  "mod",
  "work",
  "workspace",
  "cache",
  "dlx",
  "task",
]);

/** One shape token: bare when plain, JSON-quoted otherwise (so keys stay unambiguous). */
function token(word: string): string {
  return /^[A-Za-z0-9_][\w:.@+/=,-]*$/.test(word) || /^-[\w-]*$/.test(word)
    ? word
    : JSON.stringify(word);
}

/** Can an approval of this command line be remembered for the session? */
export function isRememberable(analysis: CommandAnalysis): boolean {
  return commandShape(analysis) !== null;
}

/**
 * The session-allowance key of a single-command line (see the module
 * documentation for what "same shape" means), or `null` when the line must
 * never be remembered.
 */
export function commandShape(analysis: CommandAnalysis): string | null {
  if (!analysis.ok) return null;
  if (
    analysis.commands.length !== 1 || analysis.hasChains || analysis.hasRedirections ||
    analysis.hasSubstitution || analysis.inlineEval || analysis.hasUnknownPaths
  ) return null;
  const cmd = analysis.commands[0]!;
  if (cmd.inlineEval || cmd.executable.startsWith("<")) return null;
  return shapeOf(cmd);
}

function shapeOf(cmd: AnalyzedCommand): string | null {
  const head: string[] = [
    ...cmd.via.map((v) => `${token(v)} >`),
    ...[...cmd.env].sort().map((n) => `${token(n)}=*`),
    token(cmd.name),
  ];
  let args = cmd.args;
  const global = Object.hasOwn(SUBCOMMAND_PROGRAMS, cmd.executable)
    ? SUBCOMMAND_PROGRAMS[cmd.executable]!
    : undefined;
  if (global !== undefined) {
    const s = scanOptions(args.map(literalArg), global);
    if (s.unknown !== null) return null;
    // Global options are kept with their values: `git -C a status` is not `git -C b status`.
    head.push(...args.slice(0, s.firstOperand).map(token));
    args = args.slice(s.firstOperand);
    const sub = args[0];
    if (sub !== undefined) {
      head.push(token(sub));
      args = args.slice(1);
      if (GROUPS.has(sub) && args[0] !== undefined && !args[0].startsWith("-")) {
        head.push(token(args[0]));
        args = args.slice(1);
      }
    }
  }
  // Anything but a plain-file program keeps its arguments exactly, in order:
  // reordering could pair an option with another option's value.
  if (!operandsAreFiles(cmd.executable)) return [...head, ...args.map(token)].join(" ");
  const flags = new Set<string>();
  const operands: string[] = [];
  let dashes = false;
  for (const a of args) {
    if (!dashes && a === "--") {
      dashes = true;
      operands.push("--");
    } else if (dashes || !a.startsWith("-") || a === "-") {
      if (operands[operands.length - 1] !== "<paths>") operands.push("<paths>");
    } else if (a.startsWith("--")) {
      const eq = a.indexOf("=");
      flags.add(eq >= 0 ? `${token(a.slice(0, eq))}=*` : token(a));
    } else if (/^-[A-Za-z]+$/.test(a)) {
      for (const letter of a.slice(1)) flags.add(`-${letter}`);
    } else flags.add(token(a));
  }
  return [...head, ...[...flags].sort(), ...operands].join(" ");
}
