import { describe, expect, it } from "vitest";
import { indexWords, popularityStep } from "../../lib/catalog/search-words";
import { vocabularyDeltas } from "../../lib/etl/search-index";
import { ranOutOfTime } from "../../lib/queries/search-budget";
import {
  characterNames,
  completionPrefix,
  hasSearchWords,
  imdbKey,
  likePrefix,
  matchesAll,
  oneEditVariants,
  sameWords,
  searchWords,
  typoVariants,
  withCompletions,
  wordsOf,
} from "../../lib/queries/search-text";
import { withTypo } from "../../scripts/bench/searches";

describe("search words", () => {
  it("folds case and accents and splits on anything but letters and digits", () => {
    expect(wordsOf("Le Fabuleux Destin d'Amélie Poulain")).toEqual([
      "le",
      "fabuleux",
      "destin",
      "d",
      "amelie",
      "poulain",
    ]);
    expect(wordsOf('+star* -"wars" (x) @2 ~y <z> %_\\')).toEqual(["star", "wars", "x", "2", "y", "z"]);
    expect(wordsOf(null)).toEqual([]);
  });

  it("folds the letters NFKD keeps whole, and cuts words to the index's width", () => {
    expect(wordsOf("Søren Straße Œuvre Łódź")).toEqual(["soren", "strasse", "oeuvre", "lodz"]);
    expect(wordsOf("İstanbul")).toEqual(["istanbul"]);
    expect(wordsOf("x".repeat(45))).toEqual(["x".repeat(40)]);
    expect([...indexWords(["The Godfather", "Le Parrain", null, "the PARRAIN"])]).toEqual([
      "the",
      "godfather",
      "le",
      "parrain",
    ]);
  });

  it("keeps every word of a query, stopwords and short words too, once each", () => {
    expect(searchWords("The Godfather the")).toEqual(["the", "godfather"]);
    expect(searchWords("up")).toEqual(["up"]);
    expect(searchWords('+star -wars "x" *')).toEqual(["star", "wars", "x"]);
    expect(searchWords("a b c d e f g h i j")).toHaveLength(8);
  });

  it("orders popularity in steps of a tenth of a decade", () => {
    expect(popularityStep(null)).toBe(0);
    expect(popularityStep(0)).toBe(0);
    expect(popularityStep(9)).toBe(10);
    expect(popularityStep(1_400_000)).toBe(61);
    expect(popularityStep(1_400_000)).toBeGreaterThan(popularityStep(900));
    expect(popularityStep(1_000_000)).toBe(popularityStep(1_100_000));
  });

  it("lists the words one edit away, for words of five letters or more only", () => {
    const variants = oneEditVariants("godfater");
    expect(variants).toContain("godfather"); // insertion
    expect(variants).toContain("godfter"); // deletion
    expect(variants).toContain("gofdater"); // transposition
    expect(variants).toContain("godfatar"); // substitution
    expect(variants).not.toContain("godfater");
    expect(oneEditVariants("shawshenk")).toContain("shawshank");
    expect(oneEditVariants("abcd", 4).every((w) => w.length >= 4)).toBe(true);
    const [short, long] = typoVariants(["star", "shawshenk"]);
    expect(short).toEqual([]);
    expect(long).toContain("shawshank");
    expect(long).not.toContain("shawshenk");
  });

  it("matches texts word by word, in any order", () => {
    expect(matchesAll("Star Wars: Episode IV", [["wars"], ["star"]])).toBe(true);
    expect(matchesAll("Trainspotting", [["train"]])).toBe(false);
    expect(sameWords("The Godfather", "godfather THE")).toBe(true);
    expect(sameWords("The Godfather Part II", "the godfather")).toBe(false);
  });

  it("recognises keys and character lists", () => {
    expect(imdbKey(" TT0068646 ")).toEqual({ kind: "tt", id: 68646 });
    expect(imdbKey("nm0000158")).toEqual({ kind: "nm", id: 158 });
    expect(imdbKey("tt 1")).toBeUndefined();
    expect(characterNames('["James Bond","Narrator"]')).toEqual(["James Bond", "Narrator"]);
    expect(characterNames("not json")).toEqual(["not json"]);
    expect(hasSearchWords("%%% ___")).toBe(false);
    expect(hasSearchWords("é")).toBe(true);
  });
});

describe("the bench's typo search", () => {
  it("drops the second letter of the longest word of five letters or more", () => {
    expect(withTypo("The Carmencita Blood")).toBe("crmencita");
    expect(oneEditVariants("crmencita")).toContain("carmencita");
    expect(withTypo("Up")).toBeUndefined();
  });
});

describe("a search statement that ran out of time", () => {
  it("is told from other errors by the server's codes", () => {
    expect(
      ranOutOfTime({ errno: 1969, message: "Query execution was interrupted (max_statement_time exceeded)" }),
    ).toBe(true);
    expect(ranOutOfTime({ errno: 188, message: "Unknown error 188" })).toBe(true);
    expect(
      ranOutOfTime({
        errno: 1028,
        message: "Sort aborted: Query execution was interrupted (max_statement_time exceeded)",
      }),
    ).toBe(true);
    expect(
      ranOutOfTime({
        errno: 3024,
        message: "Query execution was interrupted, maximum statement execution time exceeded",
      }),
    ).toBe(true);
    expect(ranOutOfTime({ errno: 1064, message: "You have an error in your SQL syntax" })).toBe(false);
  });
});

describe("completion of the last word", () => {
  const prefixOf = (text: string) => completionPrefix(text, searchWords(text));

  it("completes the last word only while it is being typed, from two letters", () => {
    expect(prefixOf("godf")).toBe("godf");
    expect(prefixOf("star wa")).toBe("wa");
    expect(prefixOf("Le Fabuleux Amél")).toBe("amel");
    expect(prefixOf("star wa ")).toBeUndefined();
    expect(prefixOf("star wars:")).toBeUndefined();
    expect(prefixOf("star w")).toBeUndefined();
    expect(prefixOf("%%")).toBeUndefined();
    // A ninth word is not searched for, so not completed either.
    expect(prefixOf("a1 a2 a3 a4 a5 a6 a7 a8 nine")).toBeUndefined();
  });

  it("escapes LIKE's wildcards and its escape character", () => {
    expect(likePrefix("godf")).toBe("godf%");
    expect(likePrefix("a%b_c!d")).toBe("a!%b!_c!!d%");
  });

  it("adds the completions to the typed word's group, after it, once", () => {
    expect(withCompletions([["star"], ["wa"]], "wa", ["wars", "war"])).toEqual([["star"], ["wa", "wars", "war"]]);
    expect(withCompletions([["star"], ["warz", "wars"]], "warz", ["wars", "warzone"])).toEqual([
      ["star"],
      ["warz", "wars", "warzone"],
    ]);
    expect(withCompletions([["star"]], undefined, ["stars"])).toEqual([["star"]]);
    expect(withCompletions([["star"]], "star", undefined)).toEqual([["star"]]);
  });

  it("counts the word rows a refresh writes by word, leaving out words whose count stays", () => {
    // "star" moved popularity step (deleted and inserted): its count stays.
    const deltas = vocabularyDeltas(["star", "wars", "wars", "new"], ["star", "old", "old", "wars"]);
    expect(new Map(deltas)).toEqual(
      new Map([
        ["wars", 1],
        ["new", 1],
        ["old", -2],
      ]),
    );
    expect(vocabularyDeltas([], [])).toEqual([]);
  });
});
