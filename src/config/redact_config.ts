/**
 * Secrets out of everything shown: `config show`, JSON output, logs.
 *
 * @module
 */

import { configFields, type ResolvedConfig } from "./schema.ts";

/** What a set secret is shown as. */
export const REDACTED = "<redacted>";

/** `config` with every secret key that is set replaced by `"<redacted>"`. */
export function redactConfig(config: ResolvedConfig): ResolvedConfig {
  const out: Record<string, Record<string, unknown>> = {};
  const source = config as unknown as Record<string, Record<string, unknown>>;
  for (const f of configFields()) {
    out[f.section] ??= {};
    const value = source[f.section]?.[f.key];
    out[f.section]![f.key] = f.spec.secret && value !== undefined ? REDACTED : value;
  }
  return out as unknown as ResolvedConfig;
}
