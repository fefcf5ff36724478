/**
 * Capability token storage on Deno KV.
 *
 * @module
 */

export { KvTokenStore, type Revocation, TOKEN_KEYS, type TokenStore } from "./kv_token_store.ts";
