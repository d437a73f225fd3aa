import { Cron } from "croner";
import { describe, expect, it } from "vitest";
import { scheduleSchema } from "../../lib/api/contract";
import { dueTick, nextFirings, scheduleProblem } from "../../lib/runs/schedule";

describe("schedule validation", () => {
  it("accepts five fields, six with seconds, and IANA time zones", () => {
    expect(scheduleProblem("30 3 * * *", "UTC")).toBeUndefined();
    expect(scheduleProblem("0 */5 * * * *", "Europe/Berlin")).toBeUndefined();
  });

  it("refuses a schedule that fires more than once a minute", () => {
    expect(scheduleProblem("* * * * * *", "UTC")).toMatch(/more often than once every 60 s/);
    expect(scheduleProblem("*/5 * * * * *", "UTC")).toMatch(/more often than once every 60 s/);
    expect(scheduleProblem("0,30 * * * * *", "UTC")).toMatch(/more often than once every 60 s/);
    expect(scheduleProblem("0 * * * * *", "UTC")).toBeUndefined();
    expect(scheduleProblem("*/5 * * * * *", "UTC", 5)).toBeUndefined();
  });

  it("names what is wrong", () => {
    expect(scheduleProblem("30 3 * *", "UTC")).toMatch(/Invalid cron expression "30 3 \* \*"/);
    expect(scheduleProblem("61 * * * *", "UTC")).toMatch(/Invalid cron expression/);
    expect(scheduleProblem("30 3 * * *", "Mars/Olympus")).toMatch(/Unknown time zone "Mars\/Olympus"/);
  });

  it("refuses a schedule the API cannot run", () => {
    const good = {
      enabled: true,
      cron: "30 3 * * *",
      timezone: "UTC",
      mode: "incremental",
      source: "imdb",
      tables: ["title_ratings"],
    };
    expect(scheduleSchema.safeParse(good).success).toBe(true);
    const issues = (value: object) =>
      scheduleSchema.safeParse({ ...good, ...value }).error?.issues.map((i) => i.message);
    expect(issues({ mode: "first-run" })?.join()).toMatch(/incremental|verify/);
    expect(issues({ tables: [] })).toEqual(["at least one table"]);
    expect(issues({ source: "/etc" })?.join()).toMatch(/source must be/);
    expect(issues({ cron: "every day" })?.join()).toMatch(/Invalid cron expression/);
  });
});

describe("next firings", () => {
  const from = new Date("2026-11-26T12:00:00Z");

  it("lists the next times in the schedule's time zone, none while it is off", () => {
    const daily = { enabled: true, cron: "30 3 * * *", timezone: "Europe/Berlin" };
    expect(nextFirings(daily, 2, from).map((d) => d.toISOString())).toEqual([
      "2026-11-27T02:30:00.000Z",
      "2026-11-28T02:30:00.000Z",
    ]);
    expect(nextFirings({ ...daily, enabled: false }, 2, from)).toEqual([]);
    expect(nextFirings({ ...daily, cron: "nonsense" }, 2, from)).toEqual([]);
  });
});

describe("the tick a firing belongs to", () => {
  const cron = new Cron("*/10 * * * * *", { timezone: "UTC", paused: true });
  const tick = new Date("2026-11-26T12:00:10Z");

  it("is the same for a timer that fires on time, early or late", () => {
    for (const offsetMs of [0, -3, 7, 400, 4_000, 9_400]) {
      expect(dueTick(cron, new Date(tick.getTime() + offsetMs)).toISOString()).toBe(tick.toISOString());
    }
  });
});
