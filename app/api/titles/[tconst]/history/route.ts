import { titleParams } from "@/lib/api/contract";
import { notFound } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/route";
import { titleHistory } from "@/lib/queries/history";

export const dynamic = "force-dynamic";

const notATitle = "Not a title key (tt followed by 7 to 10 digits).";

export const GET = apiRoute(
  { params: { schema: titleParams, notFound: notATitle } },
  async ({ params }) => (await titleHistory(params.tconst)) ?? notFound(notATitle),
);
