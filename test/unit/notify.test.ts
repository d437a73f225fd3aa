import { describe, expect, it } from "vitest";
import { type NotifyRun, parseUrlList, redactUrl, runEvent, urlProblem } from "../../lib/notify";

const run = (change: Partial<NotifyRun>): NotifyRun => ({
  id: 7,
  mode: "incremental",
  status: "succeeded",
  trigger: "schedule",
  error: null,
  startedAt: null,
  finishedAt: null,
  tables: [
    { table: "title_basics", status: "succeeded", inserted: 1200, updated: 30, deleted: 2, rejected: 0 },
    { table: "title_ratings", status: "succeeded", inserted: 5, updated: 70000, deleted: 0, rejected: 1 },
  ],
  ...change,
});

describe("notifications", () => {
  it("keeps only a webhook's scheme and host (its path is the secret)", () => {
    expect(redactUrl("https://hooks.slack.com/services/T000/B000/XXXX?x=1")).toBe("https://hooks.slack.com");
    expect(redactUrl("http://user:pw@127.0.0.1:8080/hook")).toBe("http://127.0.0.1:8080");
    expect(redactUrl("not a url")).toBe("(not a URL)");
  });

  it("reads a list separated by commas, spaces or lines, each URL once", () => {
    expect(parseUrlList(" https://a.example/1, https://b.example/2\nhttps://a.example/1 ")).toEqual([
      "https://a.example/1",
      "https://b.example/2",
    ]);
    expect(parseUrlList(undefined)).toEqual([]);
  });

  it("refuses what is not an http(s) URL, naming it by scheme and host only", () => {
    expect(urlProblem("https://hooks.example/x")).toBeUndefined();
    expect(urlProblem("ftp://files.example/secret")).toBe("not an http(s) URL: ftp://files.example");
    expect(urlProblem("hooks.example/x")).toMatch(/^not a URL/);
  });

  it("names a run's event and writes one line for people", () => {
    expect(
      runEvent(run({ status: "failed", error: "title_basics: the header differs\nexpected: …" }), 0, false),
    ).toEqual({
      event: "run.failed",
      text: "IMDb sync run #7 (incremental, schedule) failed: title_basics: the header differs",
    });
    expect(runEvent(run({}), 0, false)).toBeUndefined();
    expect(runEvent(run({}), 0, true)).toEqual({
      event: "run.succeeded",
      text: "IMDb sync run #7 (incremental, schedule) succeeded: 1,205 inserted, 70,030 updated, 2 deleted, 1 rejected.",
    });
    expect(runEvent(run({ mode: "verify" }), 12, false)?.event).toBe("run.drift");
    expect(runEvent(run({ mode: "verify" }), 0, true)?.event).toBe("run.succeeded");
    expect(runEvent(run({ status: "cancelled" }), 0, true)).toBeUndefined();
  });
});
