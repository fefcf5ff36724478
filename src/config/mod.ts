/**
 * Layered TOML configuration: one schema, a pure resolver and a loader.
 *
 * ```ts
 * const { config, warnings } = await loadConfig({ home, workspace, env, sets });
 * config.workspace.mode; // "safe" unless a layer says otherwise
 * ```
 *
 * @module
 */

export {
  CONFIG_SCHEMA,
  type ConfigField,
  configField,
  configFields,
  type ConfigSection,
  configSections,
  ESCAPE_POLICIES,
  type EscapePolicy,
  type FieldSpec,
  LLM_PROVIDERS,
  type LlmProviderName,
  type ModelPrice,
  type PolicyExample,
  type ResolvedConfig,
  type TrustedMerge,
  WORKSPACE_MODES,
  type WorkspaceMode,
  type WorkspaceRule,
} from "./schema.ts";
export {
  type ConfigOrigin,
  type ConfigOrigins,
  defaultConfig,
  resolveConfig,
  type ResolveResult,
} from "./resolve_config.ts";
export type { ConfigLayer } from "./config_layer.ts";
export {
  type ConfigProblem,
  formatProblem,
  formatProblems,
  type LayerKind,
} from "./config_problem.ts";
export { parseConfigText, type ParsedLayer } from "./parse_config_text.ts";
export { envLayers, type OverrideLayers, parseLooseValue, setLayers } from "./override_layers.ts";
export {
  type ConfigFileStatus,
  denoReadFile,
  loadConfig,
  type LoadConfigOptions,
  type LoadedConfig,
  type LoadResult,
  type ReadConfigFile,
  tryLoadConfig,
  validateConfigFile,
} from "./load_config.ts";
export {
  type ConfigPaths,
  configPaths,
  DEFAULT_SYSTEM_CONFIG,
  resolveHome,
  resolveWorkspace,
  workspaceConfigPath,
} from "./paths.ts";
export { redactConfig, REDACTED } from "./redact_config.ts";
export { renderConfigToml } from "./render_config_toml.ts";
export {
  describeWorkspaceRule,
  extractConfigReference,
  REFERENCE_END,
  REFERENCE_START,
  renderConfigReference,
  spliceConfigReference,
} from "./render_config_reference.ts";
export { renderWorkspaceTemplate } from "./render_workspace_template.ts";
