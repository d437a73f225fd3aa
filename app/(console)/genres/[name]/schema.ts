import { z } from "zod";
import { genreSorts, titleTypes } from "@/lib/queries/genres";

const optionalInt = (max: number) =>
  z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().min(0).max(max).optional());

export const genreFilterSchema = z.object({
  type: z.preprocess((v) => (v === "" ? undefined : v), z.enum(titleTypes).optional()),
  yearFrom: optionalInt(9999),
  yearTo: optionalInt(9999),
  minVotes: optionalInt(1_000_000_000),
  sort: z.enum(genreSorts).catch("votes"),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
  pageSize: z.literal(50).catch(50),
});
