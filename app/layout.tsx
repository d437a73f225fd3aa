import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: "IMDb Sync Console",
  description: "Keeps a MySQL database in step with the IMDb datasets and shows what every sync changed.",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        {children}
      </body>
    </html>
  );
}
