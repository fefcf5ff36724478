/**
 * Command analysis cost (issue 4 target: under 50 us for a typical call,
 * excluding file-system calls).
 */

import {
  analyzeCommand,
  commandActions,
  commandShape,
  parseShell,
} from "../../src/security/command/mod.ts";
import { FakeFsProbe } from "../../src/security/path/mod.ts";

const TYPICAL = "git status && npm test 2>&1 | tee out.log";
const HEAVY = `cd src && for f in $(find . -name '*.ts' -not -path './node_modules/*'); do ` +
  `grep -n "TODO" "$f" | sed 's/^/'"$f"': /' >> /tmp/todo.txt; done; ` +
  `bash -lc "timeout 5 env FOO=1 nice -n 5 curl -sS https://example.com/x -o out.json" && ` +
  `jq '.items[] | .name' out.json | sort -u | head -n 20`;
const probe = new FakeFsProbe({ paths: ["/work/ws/out.log", "/work/ws/src"] });

Deno.bench("parseShell: typical line", { group: "typical", baseline: true }, () => {
  parseShell(TYPICAL);
});

Deno.bench("analyzeCommand: typical line", { group: "typical" }, () => {
  analyzeCommand(TYPICAL, "/work/ws");
});

Deno.bench("commandActions: typical line (fake file system)", { group: "typical" }, () => {
  commandActions(TYPICAL, "/work/ws", probe);
});

Deno.bench("commandShape: git status -s", { group: "typical" }, () => {
  commandShape(analyzeCommand("git status -s", "/work/ws"));
});

Deno.bench("analyzeCommand: heavy line (loop, substitutions, nested bash -lc, wrappers)", () => {
  analyzeCommand(HEAVY, "/work/ws");
});

Deno.bench("analyzeCommand: 4 KiB of chained commands", () => {
  analyzeCommand(
    Array.from({ length: 120 }, (_, i) => `echo ${i} >> log.txt`).join(" && "),
    "/work/ws",
  );
});
