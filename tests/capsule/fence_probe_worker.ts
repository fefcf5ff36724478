/**
 * Run inside a worker started with a capsule's permissions: tries what a
 * buggy host function might try and reports, per attempt, "ok" or the error.
 *
 * @module
 */

/// <reference lib="deno.worker" />

async function attempt(f: () => unknown): Promise<string> {
  try {
    await f();
    return "ok";
  } catch (e) {
    return `${(e as Error).name}: ${(e as Error).message}`;
  }
}

self.onmessage = async (e: MessageEvent<{ ws: string; outside: string }>) => {
  const { ws, outside } = e.data;
  self.postMessage({
    readInside: await attempt(() => Deno.readTextFile(`${ws}/in.txt`)),
    writeOut: await attempt(() => Deno.writeTextFile(`${ws}/out/x.txt`, "x")),
    readOutside: await attempt(() => Deno.readTextFile(`${outside}/secret.txt`)),
    writeRoot: await attempt(() => Deno.writeTextFile(`${ws}/in.txt`, "overwritten")),
    writeOutside: await attempt(() => Deno.writeTextFile(`${outside}/x.txt`, "x")),
    env: await attempt(() => Deno.env.get("HOME")),
    run: await attempt(() => new Deno.Command("true").output()),
    netOther: await attempt(() => Deno.connect({ hostname: "127.0.0.1", port: 10 })),
    sys: await attempt(() => Deno.hostname()),
    ffi: await attempt(() => Deno.dlopen("libc.so.6", {})),
  });
};
