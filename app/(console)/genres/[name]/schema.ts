import { z } from "zod";
import { genreSorts, titleTypes } from "@/lib/queries/genres";

/** A repeated parameter (`?type=movie&type=short`) counts by its first value; an empty one as unset. */
const single = (value: unknown) => {
  const first = Array.isArray(value) ? value[0] : value;
  return first === "" ? undefined : first;
};

/** The genre page's filters, parsed leniently: a value that does not fit falls back to no filter (or the default). */
const optionalInt = (max: number) =>
  z.preprocess(single, z.coerce.number().int().min(0).max(max).optional()).catch(undefined);

export const genreFilterSchema = z.object({
  type: z.preprocess(single, z.enum(titleTypes).optional()).catch(undefined),
  yearFrom: optionalInt(9999),
  yearTo: optionalInt(9999),
  minVotes: optionalInt(1_000_000_000),
  sort: z.preprocess(single, z.enum(genreSorts)).catch("votes"),
  page: z.preprocess(single, z.coerce.number().int().min(1).max(10_000)).catch(1),
  pageSize: z.literal(50).catch(50),
});
