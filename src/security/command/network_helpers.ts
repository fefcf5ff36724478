/**
 * Small helpers shared by the network program handlers: URLs, ports,
 * `host:port` words, `@file` data arguments.
 *
 * @module
 */

import type { Effects } from "./effects.ts";
import { parseHostPort, parseUrl } from "./parse_endpoint.ts";
import { type Arg, exact, literalArg } from "./word_value.ts";

/** Report a URL (or `host[:port]` when `defaultScheme` is given); `file:` URLs are local reads. */
export function url(arg: Arg, fx: Effects, defaultScheme?: string): void {
  const text = exact(arg);
  if (text === null) return fx.network("<dynamic>", 0, arg.source);
  const e = parseUrl(text, defaultScheme);
  if (e === null) return;
  if (e.scheme === "file") {
    return fx.path("read", literalArg(decodeURIComponentSafe(e.path) || "/"));
  }
  fx.network(e.host, e.port, text);
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** `@file` data arguments of curl and httpie read that file. */
export function dataFile(value: Arg, fx: Effects): void {
  const t = value.text;
  if (t === null) return;
  const m = /^(?:[^=@<]*=)?[@<](.+)$/.exec(t);
  if (m !== null && m[1] !== "-") fx.path("read", literalArg(m[1]!.split(";")[0]!));
}

/** A port operand; `0` for ranges, names and expansions. */
export function portOf(arg: Arg | undefined): number {
  const t = exact(arg);
  return t !== null && /^\d{1,5}$/.test(t) && Number(t) <= 65535 ? Number(t) : 0;
}

export function hostPort(arg: Arg, fx: Effects, defaultPort: number): void {
  const t = exact(arg);
  if (t === null) return fx.network("<dynamic>", 0);
  const hp = parseHostPort(t.slice(t.lastIndexOf("@") + 1));
  if (hp !== null) fx.network(hp.host, hp.port ?? defaultPort);
}
