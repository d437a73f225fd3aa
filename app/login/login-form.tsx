"use client";
import { useState } from "react";
import { button, input } from "@/components/ui";
import type { ApiErrorBody } from "@/lib/api/contract";

export function LoginForm() {
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);
  const submit = async (event: React.FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setPending(true);
    const password = String(new FormData(event.currentTarget).get("password") ?? "");
    const response = await fetch("/api/session", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ password }),
    }).catch(() => undefined);
    setPending(false);
    if (response?.status === 204) return window.location.assign("/");
    const body = (await response?.json().catch(() => undefined)) as ApiErrorBody | undefined;
    setError(body?.message ?? "The console could not be reached.");
  };
  return (
    <form onSubmit={submit} className="space-y-4">
      <label className="flex flex-col gap-1 text-sm">
        <span className="font-medium">Password</span>
        <input className={input} type="password" name="password" autoComplete="current-password" required />
      </label>
      {error ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {error}
        </p>
      ) : null}
      <button type="submit" className={button} disabled={pending}>
        Log in
      </button>
    </form>
  );
}
