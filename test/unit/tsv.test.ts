import { isUtf8 } from "node:buffer";
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

/**
 * Both line readers against a plain split of the whole input, in many chunkings: every split point of small
 * inputs, random chunk sizes (empty chunks too) for bigger ones. Lines are compared as latin1 text, byte for
 * byte, so invalid UTF-8 is compared exactly.
 */
describe("LineSplitter and LinePuller in every chunking", () => {
  interface Seen {
    lines: string[];
    flags: boolean[];
  }
  const seen = (): Seen => ({ lines: [], flags: [] });
  const record = (out: Seen, buf: Buffer, start: number, end: number, lineNumber: number, utf8Checked: boolean) => {
    out.lines.push(`${lineNumber}:${buf.toString("latin1", start, end)}`);
    out.flags.push(utf8Checked);
  };

  function viaSplitter(chunks: Buffer[]): Seen {
    const out = seen();
    const splitter = new LineSplitter((...line) => record(out, ...line));
    for (const chunk of chunks) splitter.push(chunk);
    splitter.finish();
    expect(splitter.linesSeen).toBe(out.lines.length);
    return out;
  }

  /** With `unread`, every line is put back once and read again. */
  async function viaPuller(chunks: Buffer[], checkUtf8: boolean, unread = false): Promise<Seen> {
    const out = seen();
    const puller = new LinePuller(
      (async function* () {
        yield* chunks;
      })(),
      checkUtf8,
    );
    let again = false;
    for (;;) {
      if (!puller.next()) {
        if (await puller.refill()) continue;
        expect(puller.next()).toBe(false);
        return out;
      }
      if (unread && !again) {
        puller.unread();
        again = true;
        continue;
      }
      again = false;
      record(out, puller.buf, puller.start, puller.end, puller.lineNumber, puller.utf8Checked);
    }
  }

  /** What a reader must give: every line numbered from 1, without its `\n` nor a `\r` right before it. */
  function expectedLines(bytes: Buffer): string[] {
    const parts = bytes.toString("latin1").split("\n");
    if (parts.at(-1) === "") parts.pop();
    return parts.map((line, i) => `${i + 1}:${line.replace(/\r$/, "")}`);
  }

  /**
   * The utf8Checked rule: a line ending in a newline is flagged when it is valid UTF-8 and, unless it spans
   * chunks, so are all the other lines that lie wholly in its chunk (a chunk's lines are checked in one call).
   */
  function expectedFlags(chunks: Buffer[]): boolean[] {
    const bytes = Buffer.concat(chunks);
    const chunkAt: number[] = [];
    chunks.forEach((chunk, i) => {
      for (let b = 0; b < chunk.length; b++) chunkAt.push(i);
    });
    const lines: { start: number; newline: number }[] = [];
    for (let start = 0; start < bytes.length; ) {
      const newline = bytes.indexOf(10, start);
      lines.push({ start, newline });
      if (newline === -1) break;
      start = newline + 1;
    }
    const valid = ({ start, newline }: { start: number; newline: number }) => isUtf8(bytes.subarray(start, newline));
    const inOneChunk = ({ start, newline }: { start: number; newline: number }) =>
      newline !== -1 && chunkAt[start] === chunkAt[newline];
    return lines.map((line) => {
      if (line.newline === -1 || !valid(line)) return false;
      if (!inOneChunk(line)) return true;
      return lines.every((other) => !inOneChunk(other) || chunkAt[other.start] !== chunkAt[line.start] || valid(other));
    });
  }

  async function checkAll(bytes: Buffer, chunks: Buffer[]) {
    const label = chunks.map((chunk) => chunk.length).join(",");
    const want = expectedLines(bytes);
    const pushed = viaSplitter(chunks);
    expect(pushed.lines, label).toEqual(want);
    expect(pushed.flags, label).toEqual(expectedFlags(chunks));
    for (const [checkUtf8, unread] of [
      [true, false],
      [true, true],
      [false, false],
    ]) {
      const pulled = await viaPuller(chunks, checkUtf8 as boolean, unread as boolean);
      expect(pulled.lines, label).toEqual(want);
      // One rule for both readers; nothing is flagged when checking is off.
      expect(pulled.flags, label).toEqual(checkUtf8 ? expectedFlags(chunks) : pulled.flags.map(() => false));
    }
  }

  const bytesOf = (...parts: (string | number[])[]) =>
    Buffer.concat(parts.map((part) => (typeof part === "string" ? Buffer.from(part) : Buffer.from(part))));

  const small: [string, Buffer][] = [
    ["empty", bytesOf("")],
    ["one newline", bytesOf("\n")],
    ["empty lines", bytesOf("\n\na\n\n")],
    ["no final newline", bytesOf("ab\tc\nde")],
    ["CRLF and a lone CR", bytesOf("h1\th2\r\nx\ry\r\n\r\nlast\r")],
    ["a CR alone at the end", bytesOf("a\n\r")],
    ["multi-byte characters", bytesOf("café\t€\n😀\nnaïve\n")],
    ["invalid UTF-8", bytesOf("ok\n", [0xff, 0x41], "\nb", [0xc3], "\n", [0xed, 0xa0, 0x80], "\nz\n")],
    ["a cut character at the end", bytesOf("é\n", [0xe2, 0x82])],
  ];

  it.each(small)("splits %s the same at every split point and every pair of them", async (_name, bytes) => {
    const n = bytes.length;
    await checkAll(bytes, [bytes]);
    await checkAll(
      bytes,
      Array.from({ length: n }, (_, i) => bytes.subarray(i, i + 1)),
    );
    for (let i = 0; i <= n; i++)
      for (let j = i; j <= n; j++)
        await checkAll(bytes, [bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)]);
  });

  /** A seeded generator (mulberry32): the same chunkings on every run. */
  function random(seed: number) {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it("splits a bigger input the same in random chunkings (lines longer than a chunk, bad bytes, CRLF)", async () => {
    const next = random(27);
    const pieces = ["a", "b", "\t", "é", "€", "😀", "\r", " ", "\\N", "tt0000001"];
    const lines: Buffer[] = [];
    for (let i = 0; i < 400; i++) {
      const length = next() < 0.03 ? 3000 : Math.floor(next() * 80);
      const parts: Buffer[] = [];
      for (let c = 0; c < length; c++) parts.push(Buffer.from(pieces[Math.floor(next() * pieces.length)] as string));
      if (next() < 0.03) parts.splice(Math.floor(next() * parts.length), 0, Buffer.from([0xff]));
      if (next() < 0.03) parts.push(Buffer.from([0xe2, 0x82]));
      if (next() < 0.2) parts.push(Buffer.from("\r"));
      lines.push(Buffer.concat(parts));
    }
    const bytes = Buffer.concat(lines.flatMap((line) => [line, Buffer.from("\n")]));
    for (const [trial, withEnd] of [0, 1, 2, 3, 4, 5, 6, 7].map((t) => [t, t % 2 === 0] as const)) {
      const input = withEnd ? bytes : bytes.subarray(0, bytes.length - 1);
      const largest = [4, 64, 700, 5000][trial % 4] as number;
      const chunks: Buffer[] = [];
      for (let at = 0; at < input.length; ) {
        const size = next() < 0.05 ? 0 : 1 + Math.floor(next() * largest);
        chunks.push(input.subarray(at, at + size));
        at += size;
      }
      await checkAll(input, chunks);
    }
  });

  it("skips lines in the chunk with ahead and skip, counting them", async () => {
    const bytes = bytesOf("h\nt1\nt2\nt3\nt4\n");
    for (let cut = 0; cut <= bytes.length; cut++) {
      const puller = new LinePuller(
        (async function* () {
          yield bytes.subarray(0, cut);
          yield bytes.subarray(cut);
        })(),
        true,
      );
      while (!puller.next()) await puller.refill();
      const ahead = puller.ahead;
      // Past the next whole line of the chunk without next(), when the chunk holds one.
      const newline = ahead ? ahead.chunk.indexOf(10, ahead.from) : -1;
      if (newline !== -1) puller.skip(newline + 1, 1);
      const rest: string[] = [];
      for (;;) {
        if (puller.next()) rest.push(`${puller.lineNumber}:${puller.buf.toString("latin1", puller.start, puller.end)}`);
        else if (!(await puller.refill())) break;
      }
      const skipped = newline !== -1 ? 1 : 0;
      expect(rest, `cut ${cut}`).toEqual(expectedLines(bytes).slice(1 + skipped));
    }
  });
});
