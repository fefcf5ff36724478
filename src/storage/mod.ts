/**
 * Storage: the runtime's state on disk (signing keys; sessions, audit and
 * tokens as they land).
 *
 * @module
 */

export { generateKey, keyPaths, loadKeyring, loadOrCreateKeyring } from "./key_store.ts";
export type { GeneratedKey, KeyPaths } from "./key_store.ts";
