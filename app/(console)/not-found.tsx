import Link from "next/link";
import { link } from "@/components/ui";

export default function NotFound() {
  return (
    <div className="py-12 text-center">
      <h1 className="text-xl font-semibold">Not found</h1>
      <p className="mt-2 text-sm">
        There is no such run, genre, title or person in the database.{" "}
        <Link className={link} href="/">
          Back to the overview
        </Link>
      </p>
    </div>
  );
}
