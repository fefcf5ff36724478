/**
 * Capability tokens: ed25519-signed, scoped, expiring, single-use-capable
 * grants that let a covered action skip the prompt.
 *
 * @module
 */

export {
  type CapabilityToken,
  encodeTokenForSigning,
  issueToken,
  TOKEN_DOMAIN,
  TOKEN_VERSION,
  type TokenGrant,
  tokenHash,
  type UnsignedToken,
} from "./capability_token.ts";
export { parseToken } from "./parse_token.ts";
export { type ParsedResource, parseResource, scopeCovers } from "./scope_covers.ts";
export {
  MAX_SKEW_MS,
  type TokenRequest,
  tokenSignatureValid,
  type TokenVerdict,
  type VerifyContext,
  verifyToken,
} from "./verify_token.ts";
