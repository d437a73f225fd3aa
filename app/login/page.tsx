import { redirect } from "next/navigation";
import { authEnabled } from "@/lib/auth";
import { isLoggedIn } from "@/lib/auth/session";
import { LoginForm } from "./login-form";

export const dynamic = "force-dynamic";

export default async function LoginPage() {
  if (!authEnabled() || (await isLoggedIn())) redirect("/");
  return (
    <main className="mx-auto mt-24 max-w-sm rounded-lg border border-slate-200 bg-white p-6 dark:border-slate-800 dark:bg-slate-900">
      <h1 className="mb-1 text-xl font-semibold">Log in to IMDb Sync Console</h1>
      <p className="mb-4 text-sm text-slate-600 dark:text-slate-400">Log in with the console's admin password.</p>
      <LoginForm />
    </main>
  );
}
