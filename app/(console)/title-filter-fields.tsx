import { input } from "@/components/ui";
import { titleTypes } from "@/lib/queries/genres";

interface TitleFilterValues {
  type?: string;
  yearFrom?: string | number;
  yearTo?: string | number;
  minVotes?: string | number;
}

/** The title filters the genre page and the search page share: type, a year range and a vote minimum. */
export function TitleFilterFields({
  values,
  years,
}: {
  values: TitleFilterValues;
  years: { min: number; max: number };
}) {
  return (
    <>
      <label className="flex flex-col gap-1 text-sm">
        <span>Title type</span>
        <select name="type" defaultValue={values.type ?? ""} className={input}>
          <option value="">any</option>
          {titleTypes.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </label>
      {(["yearFrom", "yearTo"] as const).map((name) => (
        <label key={name} className="flex flex-col gap-1 text-sm">
          <span>{name === "yearFrom" ? "From year" : "To year"}</span>
          <input
            name={name}
            type="number"
            min={years.min}
            max={years.max}
            defaultValue={values[name]}
            className={`${input} w-24`}
          />
        </label>
      ))}
      <label className="flex flex-col gap-1 text-sm">
        <span>Minimum votes</span>
        <input name="minVotes" type="number" min={0} defaultValue={values.minVotes} className={`${input} w-28`} />
      </label>
    </>
  );
}
