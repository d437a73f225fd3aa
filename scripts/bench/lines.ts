/**
 * Streaming .tsv.gz input and output for the generator and the mutator: lines are read in batches
 * (complete lines only, decoded once per batch) and written in batches with backpressure, so
 * memory stays bounded whatever the file size.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";

/** Batches of the file's lines (without `\n`), header included, in file order. */
export async function* readLineBatches(file: string): AsyncGenerator<string[]> {
  let rest: Buffer | undefined;
  for await (const chunk of createReadStream(file).pipe(createGunzip()) as AsyncIterable<Buffer>) {
    const buf = rest ? Buffer.concat([rest, chunk]) : chunk;
    const last = buf.lastIndexOf(10);
    if (last === -1) {
      rest = buf;
      continue;
    }
    rest = last + 1 < buf.length ? buf.subarray(last + 1) : undefined;
    yield buf.toString("utf8", 0, last).split("\n");
  }
  if (rest && rest.length > 0) yield [rest.toString("utf8")];
}

/** Joins each batch of lines into one buffer, each line followed by `\n`. */
async function* joinBatches(batches: Iterable<string[]> | AsyncIterable<string[]>): AsyncGenerator<Buffer> {
  for await (const lines of batches) {
    if (lines.length > 0) yield Buffer.from(`${lines.join("\n")}\n`);
  }
}

/** Writes batches of lines to a gzip file (level 1: the data is synthetic and speed matters more). */
export async function writeGzLines(file: string, batches: Iterable<string[]> | AsyncIterable<string[]>): Promise<void> {
  await pipeline(Readable.from(joinBatches(batches)), createGzip({ level: 1 }), createWriteStream(file));
}

/** Lines per batch that the producers aim for (a few hundred KB of text). */
export const linesPerBatch = 4096;
