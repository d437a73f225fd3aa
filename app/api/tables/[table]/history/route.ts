import { tableHistorySchema, tableParams } from "@/lib/api/contract";
import { notFound } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/route";
import { HistoryNotKept, tableHistory } from "@/lib/queries/table-history";

export const dynamic = "force-dynamic";

export const GET = apiRoute(
  { params: { schema: tableParams, notFound: "No such table." }, query: tableHistorySchema },
  async ({ params, query }) => {
    try {
      return (await tableHistory(params.table, query)) ?? notFound(`Not a key of ${params.table}.`);
    } catch (error) {
      if (error instanceof HistoryNotKept) return notFound(error.message);
      throw error;
    }
  },
);
