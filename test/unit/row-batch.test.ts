import { describe, expect, it } from "vitest";
import { hashHex } from "../../lib/etl/hash";
import { RowBatch } from "../../lib/etl/load-stream";

const row = (id: number, hash: bigint, line: string) => {
  const buf = Buffer.from(`junk${line}junk`);
  return { id, hash, buf, start: 4, end: 4 + Buffer.byteLength(line) };
};

describe("RowBatch", () => {
  it("writes rows as LOAD DATA takes them: id, the hash in 16 hex digits, the line", () => {
    const batch = new RowBatch(16);
    const rows = [
      row(0, 0n, "a"),
      row(7, 0x1n, "tt0000007\t\\N\tK\u00e9k"),
      row(4294967295, 0xffffffffffffffffn, ""),
      row(1234567890, 0x00ab00000000cd01n, "x\ty"),
    ];
    for (const r of rows) batch.addRow(r);
    expect(batch.rows).toBe(4);
    const expected = rows
      .map((r) => `${r.id}\t${hashHex(r.hash)}\t${r.buf.toString("utf8", r.start, r.end)}\n`)
      .join("");
    expect(batch.flush().toString("utf8")).toBe(expected);
  });

  it("hands over a copy, so the next batch can reuse its buffer", () => {
    const batch = new RowBatch(64);
    batch.addRow(row(1, 1n, "first"));
    const first = batch.flush();
    batch.addRow(row(2, 2n, "second"));
    expect(first.toString()).toBe(`1\t${hashHex(1n)}\tfirst\n`);
    expect(batch.flush().toString()).toBe(`2\t${hashHex(2n)}\tsecond\n`);
    expect(batch.flush().length).toBe(0);
  });

  it("is full at a number of rows or at half its buffer, so the buffer does not grow with long rows", () => {
    const batch = new RowBatch(256);
    batch.addRow(row(1, 1n, "x".repeat(50)));
    expect(batch.isFull(3)).toBe(false);
    batch.addRow(row(2, 2n, "x".repeat(50)));
    expect(batch.isFull(3)).toBe(true); // two rows of 70 bytes: past 128 of 256
    batch.flush();
    for (let id = 1; id <= 3; id++) batch.addRow(row(id, 0n, "y"));
    expect(batch.isFull(4)).toBe(false);
    expect(batch.isFull(3)).toBe(true);
  });
});
