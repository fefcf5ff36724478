/**
 * Capability token storage on Deno KV.
 *
 * @module
 */

export { KvTokenStore, type Revocation, type TokenStore } from "./kv_token_store.ts";
