import assert from "node:assert/strict";
import { renderToolResult } from "./render_tool_result.ts";

Deno.test("renderToolResult() keeps text, describes other parts and never inlines base64", () => {
  const r = renderToolResult({
    content: [
      { type: "text", text: "hello" },
      { type: "image", mimeType: "image/png", data: "A".repeat(400) },
      { type: "resource", resource: { uri: "file:///x", text: "inside" } },
      { type: "resource_link", uri: "file:///y", name: "y" },
      { type: "mystery" },
    ],
  }, 10_000);
  assert.equal(r.ok, true);
  assert.equal(
    r.text,
    "hello\n[image: image/png, 300 bytes]\n[resource file:///x]\ninside\n[link file:///y (y)]\n[mystery content]",
  );
});

Deno.test("renderToolResult() reports isError, falls back to structured content and clips", () => {
  assert.equal(
    renderToolResult({ content: [{ type: "text", text: "no" }], isError: true }, 99).ok,
    false,
  );
  assert.equal(renderToolResult({ structuredContent: { a: 1 } }, 99).text, '{"a":1}');
  const clipped = renderToolResult({ content: [{ type: "text", text: "é".repeat(100) }] }, 11);
  assert.match(clipped.text, /^é{5}\n\[output clipped: 200 bytes, showing the first 11\]$/);
});
