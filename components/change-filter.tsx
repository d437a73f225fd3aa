/** The filter form above a list of changes: table, kind, and (for one run) a key; plain GET, no script needed. */
import { button, input } from "@/components/ui";
import { changeKinds } from "@/db/run-states";

export function ChangeFilter({
  action,
  tables,
  table,
  kind,
  imdbKey,
  hidden,
}: {
  action: string;
  tables: readonly string[];
  table?: string;
  kind?: string;
  /** Shown as a search box when defined (even empty). */
  imdbKey?: string;
  hidden?: Record<string, string>;
}) {
  return (
    <form className="mb-3 flex flex-wrap items-end gap-3" aria-label="Filter changes" action={action}>
      {Object.entries(hidden ?? {}).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <Choice label="Table" name="table" value={table} options={tables} />
      <Choice label="Change" name="kind" value={kind} options={changeKinds} />
      {imdbKey !== undefined ? (
        <label className="flex flex-col gap-1 text-sm">
          <span>Key</span>
          <input name="key" defaultValue={imdbKey} placeholder="tt0000001" className={`${input} w-36 font-mono`} />
        </label>
      ) : null}
      <button type="submit" className={button}>
        Show
      </button>
    </form>
  );
}

/** A labelled select of the options, with "any" (empty: no filter) first. */
function Choice({
  label,
  name,
  value,
  options,
}: {
  label: string;
  name: string;
  value?: string;
  options: readonly string[];
}) {
  return (
    <label className="flex flex-col gap-1 text-sm">
      <span>{label}</span>
      <select name={name} defaultValue={value ?? ""} className={input}>
        <option value="">any</option>
        {options.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
    </label>
  );
}
