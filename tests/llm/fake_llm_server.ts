/**
 * A fake LLM server on loopback that speaks the real wire formats and replays
 * a script: one scripted reply per request, in order, whatever the format.
 *
 * - `POST …/v1/messages` answers as Anthropic Messages (SSE `message_start`,
 *   `content_block_*`, `message_delta`, `message_stop`, `ping`, `error`).
 * - `POST …/chat/completions` answers as OpenAI chat completions (chunks with
 *   `choices[0].delta`, `tool_calls[i]` fragments by `index`, `finish_reason`,
 *   a usage chunk when `stream_options.include_usage` was asked, `[DONE]`).
 *
 * Every request is recorded (headers and JSON body) so tests can check what
 * went over the wire. Reusable by end-to-end tests:
 *
 * ```ts ignore
 * await using server = startFakeLlmServer([{ kind: "turn", text: ["Hi"] }]);
 * // [llm] provider = "anthropic", base_url = server.url
 * // [llm] provider = "openai",    base_url = server.url + "/v1"
 * ```
 *
 * @module
 */

/** Why a scripted turn stops (the same names as the runtime's events). */
export type FakeStopReason = "end_turn" | "tool_use" | "max_tokens" | "stop_sequence" | "other";

/** A tool call the fake model makes, its arguments sent in these fragments. */
export interface FakeToolCall {
  readonly id: string;
  readonly name: string;
  readonly argumentChunks: readonly string[];
}

/** How the bytes of a streamed reply are laid out on the wire. */
export interface WireStyle {
  /** End lines with CRLF instead of LF. */
  readonly crlf?: boolean;
  /** Write the body in pieces of this many bytes (splitting lines and UTF-8 characters). */
  readonly chunkBytes?: number;
  /** Send keep-alives: Anthropic `ping` events, OpenAI `: keep-alive` comments. */
  readonly keepAlive?: boolean;
  /** Spread each event's JSON over several `data:` lines. */
  readonly multiLineData?: boolean;
}

/** One scripted reply. */
export type FakeReply =
  | {
    readonly kind: "turn";
    /** Text fragments, one delta each. */
    readonly text?: readonly string[];
    readonly toolCalls?: readonly FakeToolCall[];
    /**
     * OpenAI: interleave the fragments of parallel calls round-robin by index.
     * (Anthropic sends content blocks one after another, so this does not apply.)
     */
    readonly interleave?: boolean;
    /** Default `tool_use` when there are tool calls, else `end_turn`. */
    readonly stop?: FakeStopReason;
    readonly usage?: { readonly input: number; readonly output: number };
    /** Send only the first `cutAfter` frames, then end the body without the terminal event. */
    readonly cutAfter?: number;
    /** How a cut ends: `close` (a clean end of the body, default) or `reset` (a broken connection). */
    readonly cutHow?: "close" | "reset";
    /** After this many frames, send an in-stream error event and end the body. */
    readonly errorAfter?: {
      readonly frames: number;
      readonly type: string;
      readonly message: string;
    };
    /** After this many frames, hold the body open until the client leaves or the server closes. */
    readonly hangAfter?: number;
    readonly wire?: WireStyle;
  }
  | {
    readonly kind: "http_error";
    readonly status: number;
    /** Anthropic `error.type` / OpenAI `error.type`, e.g. `rate_limit_error`, `overloaded_error`. */
    readonly type?: string;
    readonly message: string;
    /** The `retry-after` header value, as sent. */
    readonly retryAfter?: string;
    /** Append the credential the request carried to the message (a careless server). */
    readonly echoCredential?: boolean;
  }
  | {
    /** Exactly these body pieces, with this status and content type. */
    readonly kind: "raw";
    readonly status?: number;
    readonly contentType?: string;
    readonly headers?: Readonly<Record<string, string>>;
    readonly chunks: readonly string[];
  };

/** A request the server received. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** The parsed JSON body, or `undefined` when it was not JSON. */
  readonly body: unknown;
  readonly rawBody: string;
}

/** A running fake server. */
export interface FakeLlmServer extends AsyncDisposable {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Release held bodies and stop the server. */
  close(): Promise<void>;
}

interface Frame {
  readonly event?: string;
  readonly data?: string;
  readonly comment?: string;
}

type Format = "anthropic" | "openai";

/** Start a fake server on `127.0.0.1`, on a free port, replaying `script`. */
export function startFakeLlmServer(
  script: readonly FakeReply[],
  options: { readonly wire?: WireStyle } = {},
): FakeLlmServer {
  const requests: RecordedRequest[] = [];
  const releases = new Set<() => void>();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (req) => {
      const url = new URL(req.url);
      const rawBody = await req.text();
      let body: unknown;
      try {
        body = JSON.parse(rawBody);
      } catch {
        body = undefined;
      }
      const headers: Record<string, string> = {};
      req.headers.forEach((v, k) => (headers[k] = v));
      requests.push({ method: req.method, path: url.pathname, headers, body, rawBody });
      const format: Format | undefined = url.pathname.endsWith("/v1/messages")
        ? "anthropic"
        : url.pathname.endsWith("/chat/completions")
        ? "openai"
        : undefined;
      if (format === undefined || req.method !== "POST") {
        return Response.json(
          { error: { type: "not_found", message: `no route ${url.pathname}` } },
          {
            status: 404,
          },
        );
      }
      const reply = script[requests.length - 1];
      if (reply === undefined) {
        return errorResponse(
          format,
          400,
          "invalid_request_error",
          `fake server: no scripted reply for request #${requests.length}`,
        );
      }
      switch (reply.kind) {
        case "http_error": {
          const credential = headers["x-api-key"] ?? headers["authorization"] ?? "(none)";
          const message = reply.echoCredential ? `${reply.message} ${credential}` : reply.message;
          const response = errorResponse(
            format,
            reply.status,
            reply.type ?? defaultType(reply.status),
            message,
          );
          if (reply.retryAfter !== undefined) response.headers.set("retry-after", reply.retryAfter);
          return response;
        }
        case "raw":
          return new Response(
            streamOf(reply.chunks.map((c) => new TextEncoder().encode(c)), releases),
            {
              status: reply.status ?? 200,
              headers: {
                "content-type": reply.contentType ?? "text/event-stream",
                ...reply.headers,
              },
            },
          );
        case "turn": {
          const wire = { ...options.wire, ...reply.wire };
          const model = typeof (body as { model?: unknown })?.model === "string"
            ? (body as { model: string }).model
            : "fake";
          const includeUsage =
            (body as { stream_options?: { include_usage?: unknown } })?.stream_options
              ?.include_usage === true;
          let frames = format === "anthropic"
            ? anthropicFrames(reply, model)
            : openAiFrames(reply, model, includeUsage);
          if (wire.keepAlive) frames = withKeepAlives(frames, format);
          let end: "done" | "hang" = "done";
          const headers: Record<string, string> = {
            "content-type": "text/event-stream",
            "cache-control": "no-cache",
          };
          if (reply.cutAfter !== undefined) {
            if (reply.cutHow === "reset") {
              // Promise the whole body, then stop short: the client sees the
              // connection end mid-body, as when a proxy drops it.
              const full = new TextEncoder().encode(frames.map((f) => serialize(f, wire)).join(""));
              headers["content-length"] = String(full.length);
            }
            frames = frames.slice(0, reply.cutAfter);
          } else if (reply.errorAfter !== undefined) {
            frames = [
              ...frames.slice(0, reply.errorAfter.frames),
              errorFrame(format, reply.errorAfter.type, reply.errorAfter.message),
            ];
          } else if (reply.hangAfter !== undefined) {
            frames = frames.slice(0, reply.hangAfter);
            end = "hang";
          }
          const bytes = new TextEncoder().encode(frames.map((f) => serialize(f, wire)).join(""));
          const size = wire.chunkBytes ?? bytes.length;
          const pieces: Uint8Array[] = [];
          for (let i = 0; i < bytes.length; i += Math.max(1, size)) {
            pieces.push(bytes.subarray(i, i + size));
          }
          return new Response(streamOf(pieces, releases, end), { headers });
        }
      }
    },
  );
  const url = `http://127.0.0.1:${server.addr.port}`;
  let closed: Promise<void> | undefined;
  const close = () =>
    closed ??= (async () => {
      for (const release of releases) release();
      releases.clear();
      await server.shutdown();
    })();
  return { url, requests, close, [Symbol.asyncDispose]: close };
}

function streamOf(
  pieces: readonly Uint8Array[],
  releases: Set<() => void>,
  end: "done" | "hang" = "done",
): ReadableStream<Uint8Array> {
  let i = 0;
  let release: (() => void) | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (i < pieces.length) {
        controller.enqueue(pieces[i++]!);
        return;
      }
      if (end === "hang") {
        await new Promise<void>((resolve) => {
          release = () => {
            releases.delete(release!);
            resolve();
          };
          releases.add(release);
        });
      }
      controller.close();
    },
    cancel() {
      release?.();
    },
  }, { highWaterMark: 0 });
}

function serialize(frame: Frame, wire: WireStyle): string {
  const nl = wire.crlf ? "\r\n" : "\n";
  if (frame.comment !== undefined) return `: ${frame.comment}${nl}${nl}`;
  let out = frame.event !== undefined ? `event: ${frame.event}${nl}` : "";
  const data = frame.data ?? "";
  const lines = wire.multiLineData && data.startsWith("{")
    ? JSON.stringify(JSON.parse(data), null, 1).split("\n")
    : [data];
  for (const line of lines) out += `data: ${line}${nl}`;
  return out + nl;
}

function withKeepAlives(frames: readonly Frame[], format: Format): Frame[] {
  const ping: Frame = format === "anthropic"
    ? { event: "ping", data: JSON.stringify({ type: "ping" }) }
    : { comment: "keep-alive" };
  return frames.flatMap((f, i) => (i % 2 === 1 ? [ping, f] : [f]));
}

// ---------------------------------------------------------------- Anthropic

function anthropicFrames(turn: Extract<FakeReply, { kind: "turn" }>, model: string): Frame[] {
  const ev = (type: string, data: Record<string, unknown>): Frame => ({
    event: type,
    data: JSON.stringify({ type, ...data }),
  });
  const usage = turn.usage ?? { input: 10, output: 5 };
  const calls = turn.toolCalls ?? [];
  const frames: Frame[] = [
    ev("message_start", {
      message: {
        id: "msg_fake",
        type: "message",
        role: "assistant",
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: usage.input, output_tokens: 1 },
      },
    }),
  ];
  let index = 0;
  if (turn.text !== undefined && turn.text.length > 0) {
    frames.push(ev("content_block_start", { index, content_block: { type: "text", text: "" } }));
    for (const text of turn.text) {
      frames.push(ev("content_block_delta", { index, delta: { type: "text_delta", text } }));
    }
    frames.push(ev("content_block_stop", { index }));
    index++;
  }
  for (const call of calls) {
    frames.push(ev("content_block_start", {
      index,
      content_block: { type: "tool_use", id: call.id, name: call.name, input: {} },
    }));
    for (const partial_json of ["", ...call.argumentChunks]) {
      frames.push(
        ev("content_block_delta", { index, delta: { type: "input_json_delta", partial_json } }),
      );
    }
    frames.push(ev("content_block_stop", { index }));
    index++;
  }
  const stop = turn.stop ?? (calls.length > 0 ? "tool_use" : "end_turn");
  frames.push(ev("message_delta", {
    delta: { stop_reason: stop === "other" ? "refusal" : stop, stop_sequence: null },
    usage: { output_tokens: usage.output },
  }));
  frames.push(ev("message_stop", {}));
  return frames;
}

// ---------------------------------------------------------------- OpenAI

function openAiFrames(
  turn: Extract<FakeReply, { kind: "turn" }>,
  model: string,
  includeUsage: boolean,
): Frame[] {
  const chunk = (delta: Record<string, unknown>, finish: string | null = null): Frame => ({
    data: JSON.stringify({
      id: "chatcmpl-fake",
      object: "chat.completion.chunk",
      created: 1_767_225_600,
      model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
    }),
  });
  const usage = turn.usage ?? { input: 10, output: 5 };
  const calls = turn.toolCalls ?? [];
  const frames: Frame[] = [chunk({ role: "assistant", content: "" })];
  for (const text of turn.text ?? []) frames.push(chunk({ content: text }));
  const heads = calls.map((call, index) =>
    chunk({
      tool_calls: [{
        index,
        id: call.id,
        type: "function",
        function: { name: call.name, arguments: "" },
      }],
    })
  );
  const tails = calls.map((call, index) =>
    call.argumentChunks.map((args) =>
      chunk({ tool_calls: [{ index, function: { arguments: args } }] })
    )
  );
  if (turn.interleave) {
    frames.push(...heads);
    for (let round = 0; tails.some((t) => round < t.length); round++) {
      for (const t of tails) if (round < t.length) frames.push(t[round]!);
    }
  } else {
    calls.forEach((_, i) => frames.push(heads[i]!, ...tails[i]!));
  }
  const stop = turn.stop ?? (calls.length > 0 ? "tool_use" : "end_turn");
  const finish = {
    end_turn: "stop",
    tool_use: "tool_calls",
    max_tokens: "length",
    stop_sequence: "stop",
    other: "content_filter",
  }[stop];
  frames.push(chunk({}, finish));
  if (includeUsage) {
    frames.push({
      data: JSON.stringify({
        id: "chatcmpl-fake",
        object: "chat.completion.chunk",
        created: 1_767_225_600,
        model,
        choices: [],
        usage: {
          prompt_tokens: usage.input,
          completion_tokens: usage.output,
          total_tokens: usage.input + usage.output,
        },
      }),
    });
  }
  frames.push({ data: "[DONE]" });
  return frames;
}

// ---------------------------------------------------------------- errors

function errorFrame(format: Format, type: string, message: string): Frame {
  return format === "anthropic"
    ? { event: "error", data: JSON.stringify({ type: "error", error: { type, message } }) }
    : { data: JSON.stringify({ error: { message, type, code: null } }) };
}

function errorResponse(format: Format, status: number, type: string, message: string): Response {
  const body = format === "anthropic"
    ? { type: "error", error: { type, message } }
    : { error: { message, type, param: null, code: null } };
  return Response.json(body, { status });
}

function defaultType(status: number): string {
  if (status === 429) return "rate_limit_error";
  if (status === 529) return "overloaded_error";
  if (status === 401) return "authentication_error";
  if (status >= 500) return "api_error";
  return "invalid_request_error";
}
