/**
 * Child process for the single-use race: tries to consume every id in
 * `ids` concurrently on the KV file `path`, prints the ids it won as JSON.
 *
 * Usage: deno run -A tests/capability/consume_child.ts <path> <id,id,...>
 */

import { KvTokenStore, openKvFile } from "../../src/storage/mod.ts";

const [path, list] = Deno.args;
const kv = await openKvFile(path!);
const store = new KvTokenStore(kv);
const ids = list!.split(",");
const won = await Promise.all(
  ids.map(async (id) => (await store.consume(id, Date.now())) ? id : null),
);
kv.close();
console.log(JSON.stringify(won.filter((x) => x !== null)));
