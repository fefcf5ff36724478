/**
 * The gated `http-request` host function.
 *
 * For the first request and again for every redirect hop (redirects are
 * followed by hand, `redirect: "manual"`):
 * 1. the URL is http(s) without credentials, and its host and port are in
 *    the capsule's `net` grant;
 * 2. the host is resolved (a literal IP is taken as it is) and EVERY address
 *    must be public: private, loopback, link-local, metadata and other
 *    special blocks are refused after resolution (address_policy.ts);
 * 3. the gate authorizes a `capsule_http` action for the hop;
 * 4. secrets bound to exactly this host are added as headers by the host
 *    (over https only, unless the address is a test exemption); the capsule
 *    never sees them, and their values are blanked out of what comes back.
 * The response body is read up to the size limit, the whole exchange within
 * the HTTP time limit.
 *
 * Residual risk: `fetch` resolves the name again, so a DNS answer that
 * changes between the check and the connection (rebinding) is not caught
 * here; the worker's Deno net permission still limits it to granted names.
 *
 * @module
 */

import type { Action } from "../security/mod.ts";
import { forbiddenAddressReason, parseIp } from "./address_policy.ts";
import type { HostEnv } from "./host_env.ts";
import { decodeData, encodeData, hostError, type HostReply, readRequest } from "./host_wire.ts";
import { netGrantAllows } from "./net_grant.ts";

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
const HOST_MANAGED =
  /^(host|content-length|transfer-encoding|connection|keep-alive|upgrade|te|trailer|proxy-.*)$/i;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}$/;
/** Headers a capsule set that do not follow it to another origin. */
const ORIGIN_BOUND = /^(authorization|cookie)$/i;

/** Run `http-request`. */
export async function runHttpRequest(env: HostEnv, request: Uint8Array): Promise<HostReply> {
  const fn = "http-request";
  const req = readRequest(fn, request, {
    url: "string",
    method: "string?",
    headers: "object?",
    body: "string?",
    body_encoding: "string?",
  });
  if (!req.ok) return req.reply;
  let url: URL;
  try {
    url = new URL(req.value.url as string);
  } catch {
    return hostError("invalid_request", `${fn}: "${req.value.url}" is not an absolute URL`);
  }
  let method = ((req.value.method as string | undefined) ?? "GET").toUpperCase();
  if (!METHODS.includes(method)) {
    return hostError(
      "invalid_request",
      `${fn}: method "${method}" is not one of ${METHODS.join(", ")}`,
    );
  }
  const headers = new Map<string, string>();
  for (const [k, v] of Object.entries((req.value.headers as Record<string, unknown>) ?? {})) {
    if (!HEADER_NAME.test(k) || typeof v !== "string" || /[\r\n\0]/.test(v)) {
      return hostError(
        "invalid_request",
        `${fn}: header "${k}" is not a valid name with a string value`,
      );
    }
    if (HOST_MANAGED.test(k)) {
      return hostError(
        "invalid_request",
        `${fn}: header "${k}" is set by the host, not the capsule`,
      );
    }
    headers.set(k.toLowerCase(), v);
  }
  let body: Uint8Array | undefined;
  if (req.value.body !== undefined) {
    const b = decodeData(req.value.body as string, req.value.body_encoding);
    if (typeof b === "string") return hostError("invalid_request", `${fn}: body ${b}`);
    body = b;
  }
  const signal = AbortSignal.timeout(env.limits.httpTimeoutMs);
  try {
    for (let hop = 0;; hop++) {
      const checked = await checkHop(env, url, method);
      if ("reply" in checked) return checked.reply;
      const hopHeaders = new Headers();
      for (const [k, v] of headers) hopHeaders.set(k, v);
      for (const s of env.secrets) {
        if (s.host === url.hostname && (url.protocol === "https:" || checked.exempt)) {
          hopHeaders.set(s.header, `${s.prefix}${s.value}`);
        }
      }
      const res = await env.fetch(url, {
        method,
        headers: hopHeaders,
        ...(body && method !== "GET" && method !== "HEAD" ? { body: body as BodyInit } : {}),
        redirect: "manual",
        signal,
      });
      const location = res.headers.get("location");
      if ([301, 302, 303, 307, 308].includes(res.status) && location !== null) {
        await res.body?.cancel();
        if (hop >= env.limits.maxRedirects) {
          return hostError(
            "limit",
            `${fn}: more than ${env.limits.maxRedirects} redirects from "${req.value.url}"`,
          );
        }
        const next = new URL(location, url);
        if (next.origin !== url.origin) {
          for (const k of [...headers.keys()]) if (ORIGIN_BOUND.test(k)) headers.delete(k);
        }
        if (
          res.status === 303 || ((res.status === 301 || res.status === 302) && method === "POST")
        ) {
          method = "GET";
          body = undefined;
        }
        url = next;
        continue;
      }
      return await readResponse(env, url, res);
    }
  } catch (e) {
    const err = e as Error;
    if (signal.aborted) {
      return hostError(
        "limit",
        `${fn}: "${url.href}" took longer than ${env.limits.httpTimeoutMs} ms`,
      );
    }
    return hostError("network", `${fn}: "${url.href}" failed: ${redact(env, err.message)}`);
  }
}

/** Grant, addresses and gate for one hop. */
async function checkHop(
  env: HostEnv,
  url: URL,
  method: string,
): Promise<{ exempt: boolean } | { reply: HostReply }> {
  const fn = "http-request";
  const deny = (stage: "capability" | "address" | "gate", reply: HostReply, action?: Action) => {
    env.services.denied({
      capsule: env.capsule,
      fn,
      stage,
      reason: reply.ok ? "" : reply.message,
      ...(action ? { action } : {}),
    });
    return { reply };
  };
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return { reply: hostError("invalid_request", `${fn}: "${url.href}" is not http or https`) };
  }
  if (url.username !== "" || url.password !== "") {
    return {
      reply: hostError(
        "invalid_request",
        `${fn}: "${url.host}" with credentials in the URL is refused`,
      ),
    };
  }
  const host = url.hostname;
  const port = url.port !== "" ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
  if (!env.grants.net.some((g) => netGrantAllows(g, host, port))) {
    const granted = env.grants.source.net.length ? env.grants.source.net.join(", ") : "none";
    return deny(
      "capability",
      hostError(
        "not_granted",
        `${fn}: "${host}:${port}" is not a host capsule "${env.capsule}" was granted (net: ${granted})`,
      ),
    );
  }
  let addresses: string[];
  if (parseIp(host)) {
    addresses = [host.replace(/^\[|\]$/g, "")];
  } else {
    try {
      addresses = await env.services.resolveHost(host);
    } catch (e) {
      return {
        reply: hostError("network", `${fn}: cannot resolve "${host}": ${(e as Error).message}`),
      };
    }
    if (addresses.length === 0) {
      return { reply: hostError("network", `${fn}: "${host}" has no addresses`) };
    }
  }
  for (const a of addresses) {
    const why = forbiddenAddressReason(a, env.addressPolicy);
    if (why) {
      return deny(
        "address",
        hostError("address", `${fn}: "${url.href}" refused: ${host} -> ${why}`),
      );
    }
  }
  const action: Action = {
    kind: "capsule_http",
    capsule: env.capsule,
    host,
    port,
    url: url.href,
    method,
  };
  const decision = await env.services.authorize(action);
  if (!decision.allowed) {
    return deny(
      "gate",
      hostError("denied", `${fn}: "${url.href}" denied: ${decision.reason}`),
      action,
    );
  }
  return { exempt: addresses.every((a) => forbiddenAddressReason(a) !== undefined) };
}

async function readResponse(env: HostEnv, url: URL, res: Response): Promise<HostReply> {
  const max = env.limits.maxHttpResponseBytes;
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > max) {
        await reader.cancel();
        return hostError(
          "limit",
          `http-request: response from "${url.href}" is over the limit of ${max} bytes`,
        );
      }
      chunks.push(value);
    }
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    bytes.set(c, at);
    at += c.length;
  }
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => (headers[k] = redact(env, v)));
  const { data, encoding } = encodeData(redactBytes(env, bytes));
  return {
    ok: true,
    status: res.status,
    url: url.href,
    headers,
    body: data,
    body_encoding: encoding,
  };
}

/** Blank out secret values (defence in depth: a server may echo a header back). */
function redact(env: HostEnv, text: string): string {
  let out = text;
  for (const s of env.secrets) if (s.value.length >= 4) out = out.split(s.value).join("[REDACTED]");
  return out;
}

function redactBytes(env: HostEnv, bytes: Uint8Array): Uint8Array {
  if (env.secrets.length === 0) return bytes;
  // Latin-1 maps every byte to one char, so byte patterns survive the round trip.
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  let changed = false;
  for (const secret of env.secrets) {
    if (secret.value.length < 4) continue;
    const needle = String.fromCharCode(...new TextEncoder().encode(secret.value));
    if (s.includes(needle)) {
      s = s.split(needle).join("[REDACTED]");
      changed = true;
    }
  }
  return changed ? Uint8Array.from(s, (c) => c.charCodeAt(0)) : bytes;
}
