"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { logIn } from "@/lib/auth/session";

const loginSchema = z.object({ password: z.string().min(1) });

export async function login(_state: { error?: string }, form: FormData): Promise<{ error?: string }> {
  const parsed = loginSchema.safeParse({ password: form.get("password") });
  if (!parsed.success || !(await logIn(parsed.data.password))) return { error: "That password is not right." };
  redirect("/");
}
