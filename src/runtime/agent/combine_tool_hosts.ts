/**
 * Several tool hosts as one: the built-in tools next to the tools of MCP
 * servers. Each name belongs to exactly one host, so `preview`, `classify`
 * and `call` go to the host that offered it.
 *
 * Invariant: two hosts offering the same name is refused at construction.
 * Otherwise a server could shadow a built-in tool (`read_file`) and receive
 * calls the human approved for the built-in one.
 *
 * @module
 */

import type { LlmToolSpec } from "../../llm/mod.ts";
import type { ToolHost } from "./tool_host.ts";

/** The union of `hosts`' tools; throws a `RangeError` naming a duplicate tool. */
export function combineToolHosts(...hosts: readonly ToolHost[]): ToolHost {
  const owner = new Map<string, ToolHost>();
  const specs: LlmToolSpec[] = [];
  hosts.forEach((host, index) => {
    for (const spec of host.specs()) {
      if (owner.has(spec.name)) {
        const first = hosts.indexOf(owner.get(spec.name)!);
        throw new RangeError(
          `Cannot combine tool hosts: tool "${spec.name}" is offered by host ${first} and host ${index}`,
        );
      }
      owner.set(spec.name, host);
      specs.push(spec);
    }
  });
  return {
    specs: () => specs,
    preview(name, args, ctx) {
      const host = owner.get(name);
      return host?.preview ? host.preview(name, args, ctx) : Promise.resolve(undefined);
    },
    classify(name, args, cwd) {
      return owner.get(name)?.classify?.(name, args, cwd);
    },
    call(name, args, ctx) {
      const host = owner.get(name);
      if (!host) return Promise.resolve({ ok: false, output: "", error: `no tool "${name}"` });
      return host.call(name, args, ctx);
    },
  };
}
