/**
 * The synthetic IMDb "world" at a scale: how many titles and people exist and what their keys are, which
 * titles are episodes or rated, and how many akas and principals lines to write. Real row counts are
 * those of the IMDb files in 2025; `scale` multiplies them.
 */
import { KeySpace } from "./keys";
import { hashUnit } from "./prng";

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
}

const episodeShare = realRows.title_episode / realRows.title_basics;
const ratedShare = realRows.title_ratings / realRows.title_basics;

export function createWorld(scale: number, seed: number): World {
  const rows = (real: number) => Math.max(2, Math.round(real * scale));
  return {
    seed,
    scale,
    titles: new KeySpace(rows(realRows.title_basics), seed ^ 0x7474),
    names: new KeySpace(rows(realRows.name_basics), seed ^ 0x6e6d),
    akasRows: rows(realRows.title_akas),
    principalsRows: rows(realRows.title_principals),
    isEpisode: (i) => hashUnit(seed ^ 0x6570, i) < episodeShare,
    isRated: (i) => hashUnit(seed ^ 0x7261, i) < ratedShare,
  };
}
