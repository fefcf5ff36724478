import assert from "node:assert/strict";
import { parseCronSchedule } from "./cron_schedule.ts";

Deno.test("parseCronSchedule() expands the five fields", () => {
  const r = parseCronSchedule("0,30 */6 1-5 jan-mar/2 MON-FRI");
  assert.ok(r.ok);
  assert.deepEqual(r.fields.minute, [0, 30]);
  assert.deepEqual(r.fields.hour, [0, 6, 12, 18]);
  assert.deepEqual(r.fields.dayOfMonth, [1, 2, 3, 4, 5]);
  assert.deepEqual(r.fields.month, [1, 3]);
  assert.deepEqual(r.fields.dayOfWeek, [1, 2, 3, 4, 5]);
});

Deno.test("parseCronSchedule() treats day of week 7 as Sunday", () => {
  const r = parseCronSchedule("0 0 * * 7");
  assert.ok(r.ok);
  assert.deepEqual(r.fields.dayOfWeek, [0]);
});

Deno.test("parseCronSchedule() refuses malformed schedules naming the field", async (t) => {
  const cases: [string, RegExp][] = [
    ["", /has 0 fields; expected 5/],
    ["* * * * * *", /has 6 fields/],
    ["@daily", /has 1 fields/],
    ["60 * * * *", /minute field "60": 60 is out of range; expected 0-59/],
    ["* 24 * * *", /hour field "24"/],
    ["* * 0 * *", /day of month field "0"/],
    ["* * * 13 *", /month field "13"/],
    ["* * * * 8", /day of week field "8"/],
    ["*/0 * * * *", /step "0" .* must be a number from 1/],
    ["5/10 * * * *", /a step needs "\*" or a range/],
    ["10-5 * * * *", /range "10-5" runs backwards/],
    ["1,,2 * * * *", /empty list item/],
    ["a * * * *", /"a" is not a number/],
    ["* * * foo *", /"foo" is not a number or a name like FEB/],
    ["1-2-3 * * * *", /is not a value or a range/],
    ["*/5/2 * * * *", /more than one "\/"/],
    ["-1 * * * *", /is not a number/],
    ["999999999 * * * *", /is not a number/],
  ];
  for (const [schedule, expected] of cases) {
    await t.step(JSON.stringify(schedule), () => {
      const r = parseCronSchedule(schedule);
      assert.ok(!r.ok);
      assert.match(r.reason, expected);
    });
  }
});
