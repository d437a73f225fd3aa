/** Session handling for pages and server actions (next/headers): who is logged in, log in, log out. */
import "server-only";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { authEnabled, newSessionValue, passwordMatches, sessionCookie, sessionIsValid, sessionSeconds } from "./index";

export async function isLoggedIn(): Promise<boolean> {
  if (!authEnabled()) return true;
  const store = await cookies();
  return sessionIsValid(store.get(sessionCookie)?.value);
}

/** For console pages: sends a visitor without a session to the login page. */
export async function requireLogin(): Promise<void> {
  if (!(await isLoggedIn())) redirect("/login");
}

/** Sets the session cookie when the password is right; false otherwise. */
export async function logIn(password: string): Promise<boolean> {
  if (!passwordMatches(password)) return false;
  const store = await cookies();
  store.set(sessionCookie, newSessionValue(), {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    maxAge: sessionSeconds,
  });
  return true;
}

export async function logOut(): Promise<void> {
  const store = await cookies();
  store.delete(sessionCookie);
}
