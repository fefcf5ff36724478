/**
 * WAT assembled at test time with npm `wabt`, and the hostile fixtures under
 * `wat/`. A fixture may contain the lines `;;@imports` and `;;@helpers`,
 * replaced by `wat/_imports.wat` (the Extism kernel imports) and
 * `wat/_helpers.wat` (copying between linear memory and Extism blocks with
 * the 8-byte calls).
 *
 * @module
 */

import wabtInit from "wabt";

const wabt = await wabtInit();
const dir = new URL("./wat/", import.meta.url);
const imports = await Deno.readTextFile(new URL("_imports.wat", dir));
const helpers = await Deno.readTextFile(new URL("_helpers.wat", dir));

/** Assemble WAT text into a binary module. */
export function wat(source: string, name = "inline.wat"): Uint8Array {
  const module = wabt.parseWat(name, source);
  try {
    module.resolveNames();
    module.validate();
    return module.toBinary({}).buffer;
  } finally {
    module.destroy();
  }
}

/** The text of fixture `name` (without `.wat`) with the shared parts spliced in. */
export async function fixtureText(name: string): Promise<string> {
  const text = await Deno.readTextFile(new URL(`${name}.wat`, dir));
  return text.replace(";;@imports", imports).replace(";;@helpers", helpers);
}

/** Assemble fixture `name`. */
export async function fixture(name: string): Promise<Uint8Array> {
  return wat(await fixtureText(name), `${name}.wat`);
}
