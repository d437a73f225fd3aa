import { searchSchema } from "@/lib/api/contract";
import { apiRoute } from "@/lib/api/route";
import { search } from "@/lib/queries/search";

export const dynamic = "force-dynamic";

/** `GET /api/search?q=&limit=`: titles, people and characters (docs/search.md). */
export const GET = apiRoute({ query: searchSchema }, ({ query: { q, limit, ...filters } }) =>
  search(q, limit, filters),
);
