/**
 * What the runtime asks a model for, independent of any provider's wire format.
 *
 * Tool results are structured parts that carry their provenance (`source`);
 * adapters always render them as untrusted data (see `renderToolResult`), so
 * nothing a tool returned reaches the model looking like an instruction.
 *
 * @module
 */

/** Plain text of a user or assistant turn. */
export interface LlmTextPart {
  readonly kind: "text";
  readonly text: string;
}

/** A tool call the model made in an earlier assistant turn. */
export interface LlmToolCallPart {
  readonly kind: "tool_call";
  readonly id: string;
  readonly name: string;
  readonly arguments: Readonly<Record<string, unknown>>;
}

/** The result of one tool call, fed back to the model. Always untrusted data. */
export interface LlmToolResultPart {
  readonly kind: "tool_result";
  /** The `id` of the {@link LlmToolCallPart} this answers. */
  readonly callId: string;
  readonly toolName: string;
  /** Where the data came from: `tool:read_file`, `mcp:github:search`, `agent:child-1`, ... */
  readonly source: string;
  readonly content: string;
  /** True when the call failed or was denied (the content says why). */
  readonly isError?: boolean;
}

/** One turn of the conversation. */
export type LlmMessage =
  | { readonly role: "user"; readonly content: readonly LlmTextPart[] }
  | {
    readonly role: "assistant";
    readonly content: readonly (LlmTextPart | LlmToolCallPart)[];
  }
  | { readonly role: "tool"; readonly content: readonly LlmToolResultPart[] };

/** A tool the model may call, with the JSON schema of its arguments. */
export interface LlmToolSpec {
  readonly name: string;
  readonly description: string;
  /** A JSON schema whose `type` is `"object"`. */
  readonly inputSchema: Readonly<Record<string, unknown>>;
}

/** One model call. */
export interface LlmRequest {
  readonly model: string;
  readonly system?: string;
  readonly messages: readonly LlmMessage[];
  readonly tools: readonly LlmToolSpec[];
  readonly maxTokens: number;
  readonly temperature?: number;
}
