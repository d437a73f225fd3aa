"use client";
import { useActionState } from "react";
import { button, input } from "@/components/ui";
import { login } from "./actions";

export function LoginForm() {
  const [state, action, pending] = useActionState(login, {});
  return (
    <form action={action} className="space-y-4">
      <label className="flex flex-col gap-1 text-sm">
        <span className="font-medium">Password</span>
        <input className={input} type="password" name="password" autoComplete="current-password" required />
      </label>
      {state.error ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {state.error}
        </p>
      ) : null}
      <button type="submit" className={button} disabled={pending}>
        Log in
      </button>
    </form>
  );
}
