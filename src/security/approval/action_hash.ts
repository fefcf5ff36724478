/**
 * The identity of what a human approved. An approval is bound to the hash of
 * the canonical actions it was shown for (arguments, working directory,
 * resolved executables, canonical paths), so if what is about to run differs
 * in any field from what was approved, the hashes differ and it is denied.
 *
 * @module
 */

import { canonicalJson, utf8 } from "../../core/mod.ts";
import type { Action } from "../action.ts";
import { blake3Domain } from "../crypto/blake3.ts";

/** Domain-separated BLAKE3 (hex) of the canonical JSON of `actions`. */
export function actionHash(actions: readonly Action[]): string {
  return blake3Domain("astrid/approved-actions/v1", utf8(canonicalJson(actions)));
}
