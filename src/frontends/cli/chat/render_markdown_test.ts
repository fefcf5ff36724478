import assert from "node:assert/strict";
import fc from "fast-check";
import { stripAnsi } from "./ansi.ts";
import { highlightLine, languageOf, START } from "./highlight_code.ts";
import { codeBlocksOf, MarkdownStream, renderInline, renderMarkdown } from "./render_markdown.ts";

const BOLD = "\x1b[1m";
const ITALIC = "\x1b[3m";
const MAGENTA = "\x1b[35m";
const GREEN = "\x1b[32m";
const GRAY = "\x1b[90m";
const YELLOW = "\x1b[33m";

Deno.test("renderMarkdown() styles headings, emphasis, inline code, links, lists, quotes and rules", async (t) => {
  const cases: [string, string, string][] = [
    ["# Title", "Title", BOLD],
    ["## Sub", "Sub", "\x1b[36m"],
    ["some **bold** text", "some bold text", BOLD],
    ["some *it* text", "some it text", ITALIC],
    ["some _it_ text", "some it text", ITALIC],
    ["run `deno task ok` now", "run deno task ok now", YELLOW],
    ["see [docs](https://x.test/a)", "see docs (https://x.test/a)", "\x1b[4m"],
    ["- item", "• item", "\x1b[36m"],
    ["  * nested", "  • nested", "\x1b[36m"],
    ["3. third", "3. third", "\x1b[36m"],
    ["- [x] done", "☑ done", "\x1b[36m"],
    ["> quoted", "│ quoted", ITALIC],
    ["~~gone~~", "gone", "\x1b[9m"],
  ];
  for (const [input, plain, code] of cases) {
    await t.step(JSON.stringify(input), () => {
      const out = renderMarkdown(input);
      assert.equal(stripAnsi(out), plain + "\n");
      assert.ok(out.includes(code), `expected ${JSON.stringify(code)} in ${JSON.stringify(out)}`);
    });
  }
});

Deno.test("renderInline() keeps escaped punctuation and snake_case words literal", () => {
  assert.equal(stripAnsi(renderInline("\\*not italic\\*")), "*not italic*");
  assert.equal(renderInline("a snake_case_name here"), "a snake_case_name here");
  assert.equal(renderInline("2 * 3 * 4"), "2 * 3 * 4");
  // Emphasis markers inside a code span are code, not emphasis.
  assert.equal(stripAnsi(renderInline("`**x**`")), "**x**");
});

Deno.test("a fenced code block is framed, numbered and highlighted for its language", () => {
  const out = renderMarkdown('```ts\n// note\nconst s = "hi"; let n = 42;\n```\n');
  const lines = out.split("\n");
  assert.equal(stripAnsi(lines[0]!), "┌─ ts [1]");
  assert.ok(lines[1]!.includes(`${GRAY}// note`), lines[1]);
  assert.ok(lines[2]!.includes(`${MAGENTA}const`), lines[2]);
  assert.ok(lines[2]!.includes(`${GREEN}"hi"`), lines[2]);
  assert.ok(lines[2]!.includes(`${YELLOW}42`), lines[2]);
  assert.equal(stripAnsi(lines[3]!), "└─");
  // Markdown inside a code block is not rendered.
  assert.equal(
    stripAnsi(renderMarkdown("```\n# not a heading **x**\n```")),
    "┌─ code [1]\n│ # not a heading **x**\n└─\n",
  );
});

Deno.test("MarkdownStream renders a line only once its newline arrives, whatever the pieces", () => {
  const text = "Intro *x*\n```py\nx = 1  # c\n```\nend\n";
  const whole = renderMarkdown(text);
  for (let size = 1; size <= 7; size++) {
    const md = new MarkdownStream();
    let out = "";
    for (let i = 0; i < text.length; i += size) out += md.push(text.slice(i, i + size));
    out += md.end();
    assert.equal(out, whole, `pieces of ${size}`);
  }
  const md = new MarkdownStream();
  assert.equal(md.push("partial **li"), "");
  assert.equal(md.partial, "partial **li");
  assert.equal(stripAnsi(md.push("ne**\n")), "partial line\n");
});

Deno.test("an unclosed fence is closed at the end, and breakLine() keeps the fence open", () => {
  const md = new MarkdownStream();
  md.push("```sh\necho hi");
  assert.equal(stripAnsi(md.breakLine()), "│ echo hi\n");
  assert.ok(md.inCode);
  md.push("\nls");
  assert.equal(stripAnsi(md.end()), "│ ls\n└─\n");
  assert.deepEqual(md.blocks, [{ index: 1, language: "sh", code: "echo hi\nls" }]);
});

Deno.test("codeBlocksOf() numbers the blocks and keeps their exact text", () => {
  const blocks = codeBlocksOf("a\n```js\nlet a = 1;\n\n  b();\n```\ntext\n~~~\nplain ```\n~~~\n");
  assert.deepEqual(blocks, [
    { index: 1, language: "js", code: "let a = 1;\n\n  b();" },
    { index: 2, language: "", code: "plain ```" },
  ]);
});

Deno.test("control characters from the model are shown, not sent to the terminal", () => {
  const hostile = "hi \x1b]52;c;ZXZpbA==\x07 \x1b[2J\x9b31m\r\n";
  const out = renderMarkdown(hostile);
  assert.ok(!out.includes("\x1b]52"), JSON.stringify(out));
  assert.ok(!out.includes("\x07"));
  assert.ok(!out.includes("\x1b[2J"));
  assert.ok(!out.includes("\x9b"));
  assert.equal(stripAnsi(out), "hi ^[]52;c;ZXZpbA==^G ^[[2J^[[31m\n");
});

Deno.test("rendering never drops the answer's text: stripped output keeps every word", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.constantFrom(
          "# ",
          "*",
          "**",
          "_",
          "`",
          "```",
          "- ",
          "> ",
          "word",
          " ",
          "\n",
          "[a](b)",
          "\\",
        ),
        { maxLength: 40 },
      ),
      (parts) => {
        const text = parts.join("");
        const plain = stripAnsi(renderMarkdown(text));
        for (const word of text.match(/word/g) ?? []) assert.ok(plain.includes(word));
        assert.equal((plain.match(/word/g) ?? []).length, (text.match(/word/g) ?? []).length);
      },
    ),
  );
});

Deno.test("highlightLine() carries block comments and multi-line strings to the next line", () => {
  const ts = languageOf("typescript")!;
  let h = highlightLine("const a = `x", ts, START);
  assert.equal(h.state.kind, "string");
  h = highlightLine("y` + 1", ts, h.state);
  assert.equal(h.state.kind, "code");
  assert.ok(h.text.startsWith(`${GREEN}y\``), JSON.stringify(h.text));
  h = highlightLine("/* open", ts, START);
  assert.equal(h.state.kind, "comment");
  h = highlightLine("close */ return", ts, h.state);
  assert.ok(h.text.includes(`${MAGENTA}return`), JSON.stringify(h.text));
  const py = languageOf("py")!;
  h = highlightLine('s = """doc', py, START);
  assert.equal(h.state.kind, "string");
  // An escaped quote does not end a string.
  h = highlightLine('x = "a\\"b" if y', py, START);
  assert.ok(h.text.includes(`${MAGENTA}if`), JSON.stringify(h.text));
});

Deno.test("highlightLine() only adds colour: the stripped line is the input, for every language", () => {
  const langs = ["ts", "python", "rust", "go", "c", "sh", "ruby", "sql", "json", "yaml", "unknown"];
  fc.assert(
    fc.property(fc.constantFrom(...langs), fc.string({ maxLength: 60 }), (lang, line) => {
      const clean = line.replaceAll("\x1b", "");
      assert.equal(stripAnsi(highlightLine(clean, languageOf(lang)).text), clean);
    }),
  );
  assert.equal(languageOf("rust,ignore"), languageOf("rust"));
  assert.equal(languageOf("brainfuck"), undefined);
});

Deno.test("shell comments start only at a word boundary", () => {
  const sh = languageOf("bash")!;
  assert.ok(!highlightLine("echo a#b $#", sh).text.includes(GRAY));
  assert.ok(highlightLine("echo a # note", sh).text.includes(`${GRAY}# note`));
});
