/**
 * Search finds what people type among look-alikes (test/fixtures/search: famous titles, people and characters
 * among titles that sort first alphabetically and by key and have far fewer votes, akas, misspellings), after a
 * first build and again after an incremental run that renames, adds and deletes titles, akas, people and
 * characters: the word index follows every sync with nothing rebuilt. The last word, while typed, is completed.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tableNames } from "../../lib/catalog/datasets";
import { getPool } from "../../lib/db";
import { type SearchResponse, search } from "../../lib/queries/search";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { runEngine, tableResult } from "../helpers/engine-run";

const fixtures = path.resolve("test/fixtures/search");

describe("search over a mirror kept in step", () => {
  let db: TestDatabase;
  const find = (q: string, filters = {}): Promise<SearchResponse> => search(q, 20, filters, getPool(db.url));
  const titleKeys = async (q: string, filters = {}) => (await find(q, filters)).titles.map((t) => t.tconst);
  const personKeys = async (q: string) => (await find(q)).people.map((p) => p.nconst);
  const rank = (keys: string[], key: string) => keys.indexOf(key) + 1;

  beforeAll(async () => {
    db = await createTestDatabase("search");
    const summary = await runEngine(db.url, {
      mode: "first-run",
      source: path.join(fixtures, "day1"),
      tables: [...tableNames],
    });
    expect(summary.status).toBe("succeeded");
  });
  afterAll(async () => {
    await db?.drop();
  });

  describe("after a first build", () => {
    it("puts the famous title first among look-alikes that sort before it", async () => {
      expect((await titleKeys("star wars"))[0]).toBe("tt0076759");
      expect((await titleKeys('"Star Wars"'))[0]).toBe("tt0076759");
      expect((await titleKeys("WARS star"))[0]).toBe("tt0076759");
      expect((await titleKeys("godfather"))[0]).toBe("tt0068646");
      expect((await titleKeys("the godfather"))[0]).toBe("tt0068646");
      expect((await titleKeys("amelie"))[0]).toBe("tt0211915");
      expect((await titleKeys("AMÉLIE"))[0]).toBe("tt0211915");
    });

    it("finds a word anywhere in the title, and short words typed alone", async () => {
      expect(rank(await titleKeys("train"), "tt0000012")).toBeGreaterThanOrEqual(1);
      expect(rank(await titleKeys("train"), "tt0000012")).toBeLessThanOrEqual(3);
      // Whole words once a space follows: "train " is not "Trainspotting".
      expect(await titleKeys("train ")).not.toContain("tt0117951");
      expect((await titleKeys("up"))[0]).toBe("tt1049413");
    });

    it("finds a title by its akas and says which one matched", async () => {
      const parrain = (await find("le parrain")).titles;
      expect(parrain[0]).toMatchObject({ tconst: "tt0068646", primaryTitle: "The Godfather", matched: "Le Parrain" });
      const padrino = (await find("padrino")).titles;
      expect(padrino[0]).toMatchObject({ tconst: "tt0068646", matched: "Il padrino" });
      expect((await find("guerre etoiles")).titles[0]).toMatchObject({
        tconst: "tt0076759",
        matched: "La guerre des étoiles",
      });
      expect((await find("star wars")).titles[0]?.matched).toBeNull();
    });

    it("forgives one typo in a word of five letters or more", async () => {
      expect(rank(await titleKeys("godfater"), "tt0068646")).toBeGreaterThanOrEqual(1);
      expect(rank(await titleKeys("godfater"), "tt0068646")).toBeLessThanOrEqual(3);
      expect((await titleKeys("shawshenk"))[0]).toBe("tt0111161");
      expect((await titleKeys("shawshenk redemption"))[0]).toBe("tt0111161");
      const conery = await personKeys("sean conery");
      expect(rank(conery, "nm0000125")).toBeGreaterThanOrEqual(1);
      expect(rank(conery, "nm0000125")).toBeLessThanOrEqual(3);
    });

    it("ranks people by the votes of their known-for titles", async () => {
      expect((await personKeys("tom hanks"))[0]).toBe("nm0000158");
      expect((await personKeys("hanks tom"))[0]).toBe("nm0000158");
      expect((await personKeys("marlon brando"))[0]).toBe("nm0000008");
      const hanks = (await find("tom hanks")).people[0];
      expect(hanks?.knownFor).toEqual([{ tconst: "tt0109830", primaryTitle: "Forrest Gump" }]);
    });

    it("finds characters and who played them", async () => {
      const bond = (await find("james bond")).characters;
      expect(bond[0]).toMatchObject({
        character: "James Bond",
        nconst: "nm0000125",
        primaryName: "Sean Connery",
        tconst: "tt0055928",
        primaryTitle: "Dr. No",
        startYear: 1962,
      });
      // "bond" still being typed completes to "Bondurant", ranked below the exact name; not once a space follows.
      expect(bond.map((c) => c.character).indexOf("James Bondurant")).toBeGreaterThan(0);
      expect((await find("james bond ")).characters.map((c) => c.character)).not.toContain("James Bondurant");
    });

    it("completes the last word while it is being typed, the most popular completion first", async () => {
      // Look-alikes: "Godfrey", "Godfrey's Return", "The Godforsaken"; "Star Walkers", "Star Watch", "A Star Was Born
      // Again", and "Star War Heroes" (400,000 votes): words that complete "godf" and "wa" as well.
      expect((await titleKeys("godf"))[0]).toBe("tt0068646");
      expect(await titleKeys("godf")).toEqual(expect.arrayContaining(["tt0000115", "tt0000116", "tt0000117"]));
      expect((await titleKeys("star wa"))[0]).toBe("tt0076759");
      expect(await titleKeys("star wa")).toEqual(expect.arrayContaining(["tt0000105", "tt0000106", "tt0000107"]));
      expect((await titleKeys("the godfa"))[0]).toBe("tt0068646");
      expect((await personKeys("tom han"))[0]).toBe("nm0000158");
      // Nothing completes once a space follows the word, nor a word of one letter.
      expect(await titleKeys("godf ")).toEqual([]);
      expect(await titleKeys("star w")).not.toContain("tt0076759");
    });

    it("ranks a word as typed above its completions, by a decade of votes", async () => {
      // "war" as typed: "Star War Heroes" (400,000 votes) before "Star Wars" (1.4 M), whose "wars" only completes it.
      const war = await titleKeys("star war");
      expect(war[0]).toBe("tt0000107");
      expect(rank(war, "tt0076759")).toBeGreaterThan(1);
      // "Train" (2,000 votes) is exactly the query: before "Trainspotting" (700,000), a completion.
      const train = await titleKeys("train");
      expect(rank(train, "tt0000130")).toBe(1);
      expect(rank(train, "tt0117951")).toBeGreaterThan(1);
    });

    it("goes straight to a row by its key", async () => {
      expect(await find("tt0068646")).toMatchObject({ titles: [{ tconst: "tt0068646" }], people: [], characters: [] });
      expect(await find(" NM0000158 ")).toMatchObject({ titles: [], people: [{ nconst: "nm0000158" }] });
    });

    it("filters titles by type, years, votes and genre", async () => {
      expect(await titleKeys("star wars", { type: "videoGame" })).toEqual(["tt0000102"]);
      expect(await titleKeys("star wars", { yearFrom: 1979, yearTo: 1990 })).toEqual(["tt0080684", "tt0000102"]);
      expect(await titleKeys("star wars", { minVotes: 1_000_000 })).toEqual(["tt0076759", "tt0080684"]);
      expect(await titleKeys("star wars", { genre: "Documentary" })).toEqual(["tt0000103"]);
    });

    it("treats operators, quotes and wildcards as plain text", async () => {
      for (const q of ["+star -wars", 'star* "wars', "star%", "_wars", "(star) @2 ~wars <>", "star\\wars"]) {
        expect(await find(q)).toHaveProperty("titles");
      }
      expect((await titleKeys("+star -wars"))[0]).toBe("tt0076759");
      expect(await find("%%%")).toEqual({ titles: [], people: [], characters: [] });
    });
  });

  describe("after an incremental run that renames, adds and deletes", () => {
    beforeAll(async () => {
      const summary = await runEngine(db.url, {
        mode: "incremental",
        source: path.join(fixtures, "day2"),
        tables: [...tableNames],
        forceDeletes: true,
      });
      expect(summary.status, JSON.stringify(summary)).toBe("succeeded");
      expect(tableResult(summary, "title_basics")).toMatchObject({ inserted: 2, updated: 2, deleted: 1 });
      expect(tableResult(summary, "title_akas")).toMatchObject({ inserted: 1, updated: 1, deleted: 1 });
      expect(tableResult(summary, "name_basics")).toMatchObject({ inserted: 1, updated: 1, deleted: 1 });
    });

    it("finds renamed titles by their new names only", async () => {
      expect((await titleKeys("star wars"))[0]).toBe("tt0076759");
      expect((await titleKeys("star wars arcade"))[0]).toBe("tt0000102");
      expect(await titleKeys("shawshank")).not.toContain("tt0000120");
      expect((await titleKeys("prison stories"))[0]).toBe("tt0000120");
    });

    it("finds added titles, people and characters first among their look-alikes", async () => {
      expect((await titleKeys("oppenheimer"))[0]).toBe("tt15398776");
      expect((await personKeys("cillian murphy"))[0]).toBe("nm0614165");
      expect((await find("oppenheimer")).characters[0]).toMatchObject({
        character: "J. Robert Oppenheimer",
        nconst: "nm0614165",
        tconst: "tt15398776",
      });
    });

    it("no longer finds what was deleted", async () => {
      expect(await titleKeys("godfather")).not.toContain("tt0000110");
      expect((await titleKeys("godfather"))[0]).toBe("tt0068646");
      expect(await personKeys("sean conery")).not.toContain("nm0000104");
      expect((await personKeys("sean conery"))[0]).toBe("nm0000125");
      expect(await titleKeys("der pate")).toEqual([]);
    });

    it("follows renamed and added akas, people and characters", async () => {
      expect((await find("el padrino")).titles[0]).toMatchObject({ tconst: "tt0068646", matched: "El padrino" });
      expect((await find("padrino parte")).titles[0]).toMatchObject({
        tconst: "tt0068646",
        matched: "Il Padrino: Parte I",
      });
      expect(await personKeys("tom hanks")).toEqual(["nm0000158"]);
      expect((await find("james bond ")).characters.map((c) => c.tconst)).toEqual(["tt0055928"]);
      expect((await find("jimmy bond")).characters[0]).toMatchObject({ tconst: "tt0000160", character: "Jimmy Bond" });
    });
  });
});
