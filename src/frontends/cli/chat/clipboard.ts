/**
 * `/copy`: put text on the system clipboard. Tries the clipboard programs a
 * desktop has (`wl-copy` under Wayland, `xclip` and `xsel` under X11,
 * `pbcopy` on macOS), and falls back to the terminal's OSC 52 escape, which
 * most terminal emulators (and tmux with `set-clipboard on`) honour, also
 * over SSH.
 *
 * @module
 */

/** Copies text somewhere the user can paste it from. */
export interface Clipboard {
  /** Copy `text`; resolves with how (`wl-copy`, `OSC 52`). */
  copy(text: string): Promise<string>;
}

/** A clipboard program and when it applies. */
export interface ClipboardCommand {
  readonly name: string;
  readonly cmd: string;
  readonly args: readonly string[];
  /** Whether to try it in this environment. */
  readonly applies: (env: Readonly<Record<string, string>>, os: string) => boolean;
}

/** The programs, in the order they are tried. */
export const CLIPBOARD_COMMANDS: readonly ClipboardCommand[] = [
  { name: "wl-copy", cmd: "wl-copy", args: [], applies: (env) => !!env.WAYLAND_DISPLAY },
  {
    name: "xclip",
    cmd: "xclip",
    args: ["-selection", "clipboard"],
    applies: (env) => !!env.DISPLAY,
  },
  { name: "xsel", cmd: "xsel", args: ["-b", "-i"], applies: (env) => !!env.DISPLAY },
  { name: "pbcopy", cmd: "pbcopy", args: [], applies: (_env, os) => os === "darwin" },
];

/** The OSC 52 sequence that sets the clipboard to `text`. */
export function osc52(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return `\x1b]52;c;${btoa(binary)}\x07`;
}

/** Runs one program with `text` on stdin; true when it exited 0. */
export type RunWithInput = (cmd: string, args: readonly string[], text: string) => Promise<boolean>;

/** A clipboard over the given programs, falling back to OSC 52 written with `write`. */
export function systemClipboard(o: {
  readonly env: Readonly<Record<string, string>>;
  readonly os: string;
  readonly write: (text: string) => void;
  readonly run?: RunWithInput;
  readonly commands?: readonly ClipboardCommand[];
}): Clipboard {
  const run = o.run ?? runWithInput;
  return {
    async copy(text) {
      for (const c of o.commands ?? CLIPBOARD_COMMANDS) {
        if (!c.applies(o.env, o.os)) continue;
        if (await run(c.cmd, c.args, text)) return c.name;
      }
      o.write(osc52(text));
      return "OSC 52 (terminal)";
    },
  };
}

/** Run `cmd` with `text` on stdin; false when it is missing or fails. */
export async function runWithInput(
  cmd: string,
  args: readonly string[],
  text: string,
): Promise<boolean> {
  try {
    const child = new Deno.Command(cmd, {
      args: [...args],
      stdin: "piped",
      stdout: "null",
      stderr: "null",
    }).spawn();
    const w = child.stdin.getWriter();
    try {
      await w.write(new TextEncoder().encode(text));
      await w.close();
    } catch {
      // It exited early; its status tells.
    }
    // wl-copy and xclip fork a process that serves the selection; the parent exits at once.
    const status = await child.status;
    return status.success;
  } catch {
    return false;
  }
}
