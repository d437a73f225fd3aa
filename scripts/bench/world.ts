/**
 * The synthetic IMDb "world" at a scale: how many titles and people exist and what their keys are, which
 * titles are episodes or rated, how many akas and principals lines to write, and the heavy tails (tails.ts): the
 * busiest people and the longest series. Real row counts are those of the IMDb files in 2025; `scale` multiplies them.
 */
import { KeySpace } from "./keys";
import { hashUnit } from "./prng";
import { HeavyTail, type TailLaw } from "./tails";

export const realRows = {
  name_basics: 15_100_000,
  title_basics: 12_300_000,
  title_akas: 55_300_000,
  title_crew: 12_300_000,
  title_episode: 9_500_000,
  title_principals: 98_100_000,
  title_ratings: 1_600_000,
} as const;

export interface World {
  seed: number;
  scale: number;
  titles: KeySpace;
  names: KeySpace;
  /** Target line counts for the files whose lines are not one per title or person. */
  akasRows: number;
  principalsRows: number;
  isEpisode(titleIndex: number): boolean;
  isRated(titleIndex: number): boolean;
  /** People credited in thousands of titles: drawn for a share of title_principals' nconst. */
  busyPeople: HeavyTail;
  /** Series with thousands of episodes: drawn for a share of title_episode's parentTconst. */
  longSeries: HeavyTail;
}

/**
 * At 1× the busiest person has about 10,000 principal credits and ten people have 1,000 or more; at 0.01× the
 * busiest has about 1,000, the fifth about 200 (more than the person page's 500 rows, so its limit is exercised).
 * The tail takes under 1 % of the credits at 0.01× and above.
 */
export const busyPeopleLaw: TailLaw = {
  topAtFullSize: 10_000,
  ranksAtFullSize: 1000,
  minRanks: 20,
  alpha: 1,
  maxShare: 0.03,
};

/**
 * At 1× the longest series has about 8,000 episodes (IMDb's longest soaps and daily shows have more); at 0.01×
 * about 800, then 400, 267, …: the title page lists 500. About 3 % of the episodes at 0.01×.
 */
export const longSeriesLaw: TailLaw = {
  topAtFullSize: 8000,
  ranksAtFullSize: 200,
  minRanks: 10,
  alpha: 1,
  maxShare: 0.05,
};

/** How many of the longest series are also the most voted titles (a popular title with the most credits). */
export const popularSeries = 3;

const episodeShare = realRows.title_episode / realRows.title_basics;
const ratedShare = realRows.title_ratings / realRows.title_basics;

export function createWorld(scale: number, seed: number): World {
  const rows = (real: number) => Math.max(2, Math.round(real * scale));
  const titles = new KeySpace(rows(realRows.title_basics), seed ^ 0x7474);
  const names = new KeySpace(rows(realRows.name_basics), seed ^ 0x6e6d);
  const principalsRows = rows(realRows.title_principals);
  const isEpisode = (i: number) => hashUnit(seed ^ 0x6570, i) < episodeShare;
  const episodes = Math.round(titles.count * episodeShare);
  const longSeries = new HeavyTail(longSeriesLaw, scale, episodes, titles.count, seed ^ 0x736572, isEpisode);
  return {
    seed,
    scale,
    titles,
    names,
    akasRows: rows(realRows.title_akas),
    principalsRows,
    isEpisode,
    // The long series are rated: a title page with its rating history.
    isRated: (i) => hashUnit(seed ^ 0x7261, i) < ratedShare || longSeries.rank(i) !== undefined,
    busyPeople: new HeavyTail(busyPeopleLaw, scale, principalsRows, names.count, seed ^ 0x62757379),
    longSeries,
  };
}
