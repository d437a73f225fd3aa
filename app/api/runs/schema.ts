import { z } from "zod";
import { runModes, runStatuses } from "@/db/schema";
import { env } from "@/lib/env";
import { tableNames } from "@/lib/etl/datasets";

/** A source: IMDb, the bundled sample, IMDB_LOCAL_DIR, or an absolute folder on the server. */
export const sourceSchema = z.union([
  z.enum(["imdb", "sample", "local"]),
  z.string().regex(/^\//, "a folder source must be an absolute path"),
]);

export const startRunSchema = z
  .object({
    mode: z.enum(runModes),
    source: sourceSchema,
    tables: z.array(z.enum(tableNames)).optional(),
    forceDeletes: z.boolean().optional(),
    /** A first build over tables that hold data replaces them: it must be confirmed with replace: true. */
    replace: z.boolean().optional(),
  })
  .refine((run) => run.source !== "local" || env.IMDB_LOCAL_DIR, {
    message: "The local source needs IMDB_LOCAL_DIR to be set on the server.",
    path: ["source"],
  });

/** An empty query parameter (a form's "any") means no filter. */
const emptyAsUnset = (value: unknown) => (value === "" ? undefined : value);

export const listRunsSchema = z.object({
  status: z.preprocess(emptyAsUnset, z.enum(runStatuses).optional()),
  mode: z.preprocess(emptyAsUnset, z.enum(runModes).optional()),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(25),
});

export const runIdSchema = z.coerce.number().int().positive();
