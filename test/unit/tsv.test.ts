import { describe, expect, it } from "vitest";
import { datasets } from "../../lib/catalog/datasets";
import { fieldText, type LineCheck, LinePuller, LineSplitter, lineChecker, noKey } from "../../lib/etl/tsv";

function split(chunks: string[]): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((buf, start, end) => lines.push(buf.toString("utf8", start, end)));
  for (const chunk of chunks) splitter.push(Buffer.from(chunk));
  splitter.finish();
  return lines;
}

const checkTitle = lineChecker(datasets.title_basics);
const checkAka = lineChecker(datasets.title_akas);
const checkRating = lineChecker(datasets.title_ratings);
/** The checker's answer as one object: ok or the reason, and the key it read into its out-parameter. */
const check = (checker: LineCheck, line: string | Buffer) => {
  const buf = typeof line === "string" ? Buffer.from(line) : line;
  const key = noKey();
  const reason = checker(buf, 0, buf.length, false, key);
  const readKey = key.id >= 0 ? { ...key } : undefined;
  return reason === undefined ? { ok: true, key: readKey } : { ok: false, reason, key: readKey };
};
const title = (fields: Partial<Record<string, string>>) =>
  [
    fields.tconst ?? "tt0000001",
    fields.titleType ?? "short",
    fields.primaryTitle ?? "Carmencita",
    fields.originalTitle ?? "Carmencita",
    fields.isAdult ?? "0",
    fields.startYear ?? "1894",
    fields.endYear ?? "\\N",
    fields.runtimeMinutes ?? "1",
    fields.genres ?? "Documentary,Short",
  ].join("\t");

describe("LineSplitter", () => {
  it("splits lines across chunk boundaries and keeps a last line without a newline", () => {
    expect(split(["a\tb\nc", "d\ne\r\n", "f"])).toEqual(["a\tb", "cd", "e", "f"]);
  });

  it("joins a line spread over several chunks, even one cut inside a UTF-8 character", () => {
    const seen: [string, boolean][] = [];
    const splitter = new LineSplitter((buf, start, end, _line, utf8Checked) =>
      seen.push([buf.toString("utf8", start, end), utf8Checked]),
    );
    const bytes = Buffer.from("a\tcaf\u00e9\nbc\nlast");
    const cut = bytes.indexOf(0xa9); // inside the two bytes of é
    for (const chunk of [bytes.subarray(0, 2), bytes.subarray(2, cut), bytes.subarray(cut)]) splitter.push(chunk);
    splitter.finish();
    expect(seen).toEqual([
      ["a\tcaf\u00e9", true],
      ["bc", true],
      ["last", false],
    ]);
  });

  it("drops only a \\r right before the newline", () => {
    expect(split(["x\ry\r\n\r\n"])).toEqual(["x\ry", ""]);
  });
});

describe("lineChecker", () => {
  it("accepts a real line and reads its key as a number", () => {
    expect(check(checkTitle, title({}))).toEqual({ ok: true, key: { id: 1, ordering: 0, mergeKey: 65536 } });
    expect(check(checkTitle, title({ tconst: "tt10000000" }))).toMatchObject({ ok: true, key: { id: 10000000 } });
  });

  it("reads the ordering of akas into the merge key", () => {
    const aka = "tt0000002\t7\tLe clown\tFR\t\\N\t\\N\t\\N\t0";
    expect(check(checkAka, aka)).toEqual({ ok: true, key: { id: 2, ordering: 7, mergeKey: 2 * 65536 + 7 } });
  });

  it.each([
    ["tt000001", "fewer than 7 digits"],
    ["tt00000001", "a zero-padded 8-digit key"],
    ["nm0000001", "the wrong prefix"],
    ["tt000000a", "a letter"],
  ])("rejects the key %s (%s)", (tconst) => {
    expect(check(checkTitle, title({ tconst }))).toMatchObject({ ok: false });
  });

  it.each([
    [{ startYear: "19x4" }, "startYear: not a whole number"],
    [{ startYear: "01894" }, "startYear: not a whole number"],
    [{ startYear: "" }, "startYear: not a whole number"],
    [{ startYear: "70000" }, "startYear: number larger than 65535"],
    [{ isAdult: "256" }, "isAdult: number larger than 255"],
    [{ titleType: "x".repeat(33) }, "titleType: longer than 32 characters"],
  ])("rejects %o with a reason and keeps the key", (fields, reason) => {
    expect(check(checkTitle, title(fields))).toEqual({
      ok: false,
      reason,
      key: { id: 1, ordering: 0, mergeKey: 65536 },
    });
  });

  it("counts characters, not bytes, against a text limit", () => {
    expect(check(checkTitle, title({ titleType: "é".repeat(32) })).ok).toBe(true);
  });

  it("rejects a wrong number of fields", () => {
    expect(check(checkTitle, `${title({})}\textra`)).toMatchObject({
      ok: false,
      reason: "expected 9 fields, found 10",
    });
    expect(check(checkTitle, "tt0000001\tshort")).toMatchObject({ ok: false, reason: "expected 9 fields, found 2" });
  });

  it("rejects invalid UTF-8", () => {
    const line = Buffer.concat([Buffer.from(title({ primaryTitle: "" }).replace("\t\t", "\t")), Buffer.from([0xff])]);
    expect(check(checkTitle, line)).toMatchObject({ ok: false });
    const bad = Buffer.from(title({ primaryTitle: "AB" }));
    bad[bad.indexOf("AB")] = 0xc3;
    expect(check(checkTitle, bad)).toMatchObject({ ok: false, reason: "invalid UTF-8" });
  });

  it("accepts \\N anywhere but in the key, and empty strings in text columns", () => {
    expect(check(checkTitle, title({ startYear: "\\N", primaryTitle: "", genres: "\\N" })).ok).toBe(true);
  });

  it("accepts ratings as DECIMAL(3,1) reads them back, and nothing else", () => {
    for (const rating of ["5.8", "10.0", "0.0"])
      expect(check(checkRating, `tt0000001\t${rating}\t12`).ok, rating).toBe(true);
    for (const rating of ["5", "5.80", "05.8", "5,8", ".5"])
      expect(check(checkRating, `tt0000001\t${rating}\t12`).ok, rating).toBe(false);
  });
});

describe("fieldText", () => {
  it("returns a field's text, or null for \\N", () => {
    const line = Buffer.from(title({ endYear: "\\N" }));
    expect(fieldText(line, 0, line.length, 8)).toBe("Documentary,Short");
    expect(fieldText(line, 0, line.length, 6)).toBeNull();
    expect(fieldText(line, 0, line.length, 0)).toBe("tt0000001");
  });
});

describe("LinePuller", () => {
  /** Pulls every line of `text` cut into the given chunk sizes, refilling whenever next() runs dry. */
  async function pull(text: string, sizes: number[]) {
    const bytes = Buffer.from(text);
    const chunks: Buffer[] = [];
    for (let at = 0, i = 0; at < bytes.length; i++) {
      const size = sizes[i % sizes.length] ?? 1;
      chunks.push(bytes.subarray(at, at + size));
      at += size;
    }
    const puller = new LinePuller(
      (async function* () {
        yield* chunks;
      })(),
      true,
    );
    const lines: string[] = [];
    let reread = false;
    for (;;) {
      if (puller.next()) {
        // Every other line is put back once: unread() must give the same line again.
        if (puller.lineNumber % 2 === 0 && !reread) {
          puller.unread();
          reread = true;
          continue;
        }
        reread = false;
        lines.push(`${puller.lineNumber}:${puller.buf.toString("utf8", puller.start, puller.end)}`);
        continue;
      }
      if (!(await puller.refill())) break;
    }
    return lines;
  }

  it("gives every line once, whole, whatever the chunks: CRLF, a line over three chunks, no final newline", async () => {
    const text = `header\r\nalpha\nbeta gamma delta\r\n\n${"x".repeat(25)}\népsilon\nlast`;
    const expected = text.split("\n").map((line, i) => `${i + 1}:${line.replace(/\r$/, "")}`);
    for (const sizes of [[1], [2, 3], [7], [10, 1, 4], [1000]]) expect(await pull(text, sizes)).toEqual(expected);
    expect(await pull("one\ntwo\n", [3])).toEqual(["1:one", "2:two"]);
    expect(await pull("", [3])).toEqual([]);
  });
});
