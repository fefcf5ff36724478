/**
 * An MCP `tools/call` result as text for the model: text parts as they are,
 * other parts described (never inlined as base64), the whole clipped to a
 * byte limit. Pure.
 *
 * @module
 */

/** Shape of a `tools/call` result, as far as rendering needs it. */
export interface CallToolResultLike {
  readonly content?: unknown;
  readonly isError?: unknown;
  readonly structuredContent?: unknown;
  readonly toolResult?: unknown;
}

/** The rendered result: `ok` is false when the server flagged `isError`. */
export interface RenderedToolResult {
  readonly ok: boolean;
  readonly text: string;
}

/** Render `result`, keeping at most `maxBytes` bytes of UTF-8 text. */
export function renderToolResult(result: CallToolResultLike, maxBytes: number): RenderedToolResult {
  const parts: string[] = [];
  const content = Array.isArray(result.content) ? result.content : [];
  for (const c of content) parts.push(renderPart(c));
  if (content.length === 0) {
    const structured = result.structuredContent ?? result.toolResult;
    if (structured !== undefined) parts.push(JSON.stringify(structured));
  }
  return { ok: result.isError !== true, text: clip(parts.join("\n"), maxBytes) };
}

function renderPart(c: unknown): string {
  if (typeof c !== "object" || c === null) return "[unreadable content part]";
  const p = c as Record<string, unknown>;
  switch (p.type) {
    case "text":
      return typeof p.text === "string" ? p.text : "";
    case "image":
    case "audio":
      return `[${p.type}: ${String(p.mimeType ?? "unknown type")}, ${
        typeof p.data === "string" ? Math.floor(p.data.length * 3 / 4) : 0
      } bytes]`;
    case "resource": {
      const r = (p.resource ?? {}) as Record<string, unknown>;
      const head = `[resource ${String(r.uri ?? "")}]`;
      return typeof r.text === "string" ? `${head}\n${r.text}` : head;
    }
    case "resource_link":
      return `[link ${String(p.uri ?? "")}${typeof p.name === "string" ? ` (${p.name})` : ""}]`;
    default:
      return `[${String(p.type)} content]`;
  }
}

function clip(text: string, maxBytes: number): string {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= maxBytes) return text;
  const kept = new TextDecoder().decode(bytes.subarray(0, maxBytes)).replace(/\uFFFD$/, "");
  return `${kept}\n[output clipped: ${bytes.length} bytes, showing the first ${maxBytes}]`;
}
