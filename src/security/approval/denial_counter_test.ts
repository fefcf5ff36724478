import assert from "node:assert/strict";
import { countDecision, type DenialState, NO_DENIALS, resumeSession } from "./denial_counter.ts";

const limits = { max_consecutive_denials: 3, max_total_denials: 20 };

Deno.test("countDecision() pauses after 3 consecutive denials and an allow resets the streak", () => {
  let s: DenialState = NO_DENIALS;
  s = countDecision(s, true, limits);
  s = countDecision(s, true, limits);
  s = countDecision(s, false, limits);
  s = countDecision(s, true, limits);
  s = countDecision(s, true, limits);
  assert.equal(s.paused, false);
  s = countDecision(s, true, limits);
  assert.equal(s.paused, true);
  assert.match(s.pausedReason ?? "", /3 consecutive denials/);
});

Deno.test("countDecision() pauses after 20 denials in total even when they are spread out", () => {
  let s: DenialState = NO_DENIALS;
  for (let i = 0; i < 19; i++) {
    s = countDecision(countDecision(s, true, limits), false, limits);
  }
  assert.equal(s.paused, false);
  s = countDecision(s, true, limits);
  assert.equal(s.paused, true);
  assert.match(s.pausedReason ?? "", /20 denials/);
});

Deno.test("countDecision() keeps a paused session paused whatever happens until resumed", () => {
  let s = countDecision(
    countDecision(countDecision(NO_DENIALS, true, limits), true, limits),
    true,
    limits,
  );
  s = countDecision(s, false, limits);
  assert.equal(s.paused, true);
  assert.deepEqual(resumeSession(s), NO_DENIALS);
});
