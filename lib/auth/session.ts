/** The session check for pages (next/headers): the proxy guards first, pages check again where they read data. */
import "server-only";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { authEnabled, sessionIsValid, sessionToken } from "./index";

export async function isLoggedIn(): Promise<boolean> {
  if (!authEnabled()) return true;
  return sessionIsValid(sessionToken(await headers()));
}

/** For console pages: sends a visitor without a live session to the login page. */
export async function requireLogin(): Promise<void> {
  if (!(await isLoggedIn())) redirect("/login");
}
