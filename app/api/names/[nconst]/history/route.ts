import { nameParams } from "@/lib/api/contract";
import { notFound } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/route";
import { nameHistory } from "@/lib/queries/history";

export const dynamic = "force-dynamic";

const notAPerson = "Not a person's key (nm followed by 7 to 10 digits).";

export const GET = apiRoute(
  { params: { schema: nameParams, notFound: notAPerson } },
  async ({ params }) => (await nameHistory(params.nconst)) ?? notFound(notAPerson),
);
