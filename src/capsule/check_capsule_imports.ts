/**
 * What a capsule module may import: the Extism kernel (memory blocks, input,
 * output, config, vars, logs) and Astrid's twelve host functions, all as
 * functions. Nothing else, so no way out exists that the host did not write:
 * no WASI, and not Extism's own `http_request` (which would bypass the net
 * grant, the address checks and the gate).
 *
 * @module
 */

import { HOST_FUNCTIONS, USER_NAMESPACE } from "./host_functions.ts";

const KERNEL = new Set([
  "alloc",
  "free",
  "length",
  "length_unsafe",
  "load_u8",
  "load_u64",
  "store_u8",
  "store_u64",
  "input_offset",
  "input_length",
  "input_load_u8",
  "input_load_u64",
  "output_set",
  "error_set",
  "error_get",
  "config_get",
  "var_get",
  "var_set",
  "log_warn",
  "log_info",
  "log_debug",
  "log_error",
  "log_trace",
  "get_log_level",
]);

/** Every import of `module` that a capsule may not have, one reason each. */
export function forbiddenImports(imports: readonly WebAssembly.ModuleImportDescriptor[]): string[] {
  const problems: string[] = [];
  for (const i of imports) {
    const name = `"${i.module}" "${i.name}"`;
    if (i.kind !== "function") {
      problems.push(`${name} is a ${i.kind} import; a capsule may import only functions`);
    } else if (i.module === "extism:host/env") {
      if (!KERNEL.has(i.name)) {
        problems.push(
          i.name.startsWith("http_")
            ? `${name} is Extism's own HTTP, which Astrid does not provide; use "${USER_NAMESPACE}" "http-request"`
            : `${name} is not an Extism kernel function Astrid provides`,
        );
      }
    } else if (i.module === USER_NAMESPACE) {
      if (!(HOST_FUNCTIONS as readonly string[]).includes(i.name)) {
        problems.push(
          `${name} is not a host function; expected one of: ${HOST_FUNCTIONS.join(", ")}`,
        );
      }
    } else if (i.module.startsWith("wasi")) {
      problems.push(
        `${name} is WASI; capsules run without WASI (no files, clocks or sockets of their own)`,
      );
    } else {
      problems.push(`${name} comes from an unknown module "${i.module}"`);
    }
  }
  return problems;
}
