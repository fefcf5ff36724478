/**
 * Foundation types shared by every concern: errors, the clock and randomness
 * ports, canonical JSON and byte helpers. Nothing here touches `Deno.*`.
 *
 * @module
 */

export { AstridError, type AstridErrorCode, UsageError } from "./errors.ts";
export { type Clock, FakeClock } from "./clock.ts";
export { cryptoRandom, type Random, randomId, SeededRandom } from "./random.ts";
export { canonicalJson, type JsonValue } from "./canonical_json.ts";
export {
  bytesEqual,
  concatBytes,
  fromBase64Url,
  fromHex,
  toBase64Url,
  toHex,
  utf8,
} from "./bytes.ts";
