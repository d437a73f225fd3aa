import { logOut } from "@/lib/auth/session";

export async function POST(request: Request) {
  await logOut();
  return Response.redirect(new URL("/login", request.url), 303);
}
