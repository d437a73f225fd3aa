import { tableHistorySchema, tableNameSchema } from "@/lib/api/contract";
import { badRequest, notFound, unauthorized } from "@/lib/api/errors";
import { requestIsAuthorized } from "@/lib/auth";
import { HistoryNotKept, tableHistory } from "@/lib/queries/history";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ table: string }> }) {
  if (!(await requestIsAuthorized(request))) return unauthorized();
  const table = tableNameSchema.safeParse((await params).table);
  if (!table.success) return notFound("No such table.");
  const query = tableHistorySchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) return badRequest(query.error);
  try {
    const answer = await tableHistory(table.data, query.data);
    return answer ? Response.json(answer) : notFound(`Not a key of ${table.data}.`);
  } catch (error) {
    if (error instanceof HistoryNotKept) return notFound(error.message);
    throw error;
  }
}
