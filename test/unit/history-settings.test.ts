import { describe, expect, it } from "vitest";
import { tableNames } from "../../lib/catalog/datasets";
import { parseHistoryRetention } from "../../lib/etl/history";

describe("HISTORY_RETENTION", () => {
  it("tracks every table and keeps everything by default", () => {
    const settings = parseHistoryRetention(undefined);
    for (const t of tableNames) expect(settings[t]).toEqual({ track: true, keep: { all: true } });
  });

  it("takes days, runs or off per table, and * for the tables not named", () => {
    const settings = parseHistoryRetention("title_ratings=90d, title_akas=10runs,*=off");
    expect(settings.title_ratings).toEqual({ track: true, keep: { days: 90 } });
    expect(settings.title_akas).toEqual({ track: true, keep: { runs: 10 } });
    expect(settings.title_basics).toEqual({ track: false });
  });

  it("refuses an unknown table or rule", () => {
    expect(() => parseHistoryRetention("title_rating=90d")).toThrow(/HISTORY_RETENTION/);
    expect(() => parseHistoryRetention("title_ratings=90 days")).toThrow(/HISTORY_RETENTION/);
  });
});
