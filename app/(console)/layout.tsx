import { Nav } from "@/components/nav";
import { authEnabled } from "@/lib/auth";
import { requireLogin } from "@/lib/auth-session";

export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  await requireLogin();
  return (
    <>
      <Nav showLogout={authEnabled()} />
      <main className="mx-auto max-w-6xl px-4 py-6">{children}</main>
    </>
  );
}
