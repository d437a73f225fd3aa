/**
 * One declarative spec per IMDb file: its table, the header it must have, its key, and how each field
 * is checked and loaded. The column types follow db/schema.ts; a unit test keeps the two in step.
 */

export const tableNames = [
  "name_basics",
  "title_basics",
  "title_akas",
  "title_crew",
  "title_episode",
  "title_principals",
  "title_ratings",
] as const;

export type TableName = (typeof tableNames)[number];

/** How a field is validated before it is loaded; a value that does not fit is a rejected line. */
export type FieldKind =
  | { type: "key"; prefix: "tt" | "nm"; column: "tid" | "nid" }
  | { type: "text"; maxChars: number }
  | { type: "bytes"; maxBytes: number }
  | { type: "uint"; max: number }
  | { type: "rating" };

export interface FieldSpec {
  name: string;
  kind: FieldKind;
}

export interface DatasetSpec {
  table: TableName;
  file: string;
  fields: FieldSpec[];
  /** Fields that identify a row; the first is the IMDb key, the second (if any) `ordering`. */
  keyFields: string[];
}

const titleKey = (name: string): FieldSpec => ({ name, kind: { type: "key", prefix: "tt", column: "tid" } });
const text = (name: string, maxChars: number): FieldSpec => ({ name, kind: { type: "text", maxChars } });
const uint = (name: string, max: number): FieldSpec => ({ name, kind: { type: "uint", max } });
const year = (name: string) => uint(name, 65535);
const flag = (name: string) => uint(name, 255);
const ordering = uint("ordering", 65535);

export const datasets: Record<TableName, DatasetSpec> = {
  name_basics: {
    table: "name_basics",
    file: "name.basics.tsv.gz",
    fields: [
      { name: "nconst", kind: { type: "key", prefix: "nm", column: "nid" } },
      text("primaryName", 512),
      year("birthYear"),
      year("deathYear"),
      text("primaryProfession", 255),
      text("knownForTitles", 255),
    ],
    keyFields: ["nconst"],
  },
  title_basics: {
    table: "title_basics",
    file: "title.basics.tsv.gz",
    fields: [
      titleKey("tconst"),
      text("titleType", 32),
      text("primaryTitle", 768),
      text("originalTitle", 768),
      flag("isAdult"),
      year("startYear"),
      year("endYear"),
      uint("runtimeMinutes", 4294967295),
      text("genres", 255),
    ],
    keyFields: ["tconst"],
  },
  title_akas: {
    table: "title_akas",
    file: "title.akas.tsv.gz",
    fields: [
      titleKey("titleId"),
      ordering,
      text("title", 768),
      text("region", 16),
      text("language", 16),
      text("types", 255),
      text("attributes", 255),
      flag("isOriginalTitle"),
    ],
    keyFields: ["titleId", "ordering"],
  },
  title_crew: {
    table: "title_crew",
    file: "title.crew.tsv.gz",
    fields: [
      titleKey("tconst"),
      { name: "directors", kind: { type: "bytes", maxBytes: 16777215 } },
      { name: "writers", kind: { type: "bytes", maxBytes: 16777215 } },
    ],
    keyFields: ["tconst"],
  },
  title_episode: {
    table: "title_episode",
    file: "title.episode.tsv.gz",
    fields: [
      titleKey("tconst"),
      text("parentTconst", 12),
      uint("seasonNumber", 4294967295),
      uint("episodeNumber", 4294967295),
    ],
    keyFields: ["tconst"],
  },
  title_principals: {
    table: "title_principals",
    file: "title.principals.tsv.gz",
    fields: [
      titleKey("tconst"),
      ordering,
      text("nconst", 12),
      text("category", 64),
      text("job", 1024),
      { name: "characters", kind: { type: "bytes", maxBytes: 65535 } },
    ],
    keyFields: ["tconst", "ordering"],
  },
  title_ratings: {
    table: "title_ratings",
    file: "title.ratings.tsv.gz",
    fields: [titleKey("tconst"), { name: "averageRating", kind: { type: "rating" } }, uint("numVotes", 4294967295)],
    keyFields: ["tconst"],
  },
};

export function isTableName(value: string): value is TableName {
  return (tableNames as readonly string[]).includes(value);
}

/** The header line a file must start with. */
export function expectedHeader(spec: DatasetSpec): string {
  return spec.fields.map((f) => f.name).join("\t");
}

/** Whether rows are keyed by the IMDb key and an `ordering` (akas, principals) rather than the key alone. */
export function hasOrdering(spec: DatasetSpec): boolean {
  return spec.keyFields.length === 2;
}

/** The prefix of the table's IMDb key: `nm` for people, `tt` for titles. */
export function keyPrefix(spec: DatasetSpec): "tt" | "nm" {
  const kind = spec.fields[0]?.kind;
  return kind?.type === "key" ? kind.prefix : "tt";
}

/** The numeric column that holds the IMDb key's number (the primary key's first column). */
export function idColumn(spec: DatasetSpec): "tid" | "nid" {
  const kind = spec.fields[0]?.kind;
  return kind?.type === "key" ? kind.column : "tid";
}

/** The primary-key columns of the table: the key's number, and `ordering` for akas and principals. */
export function keyColumns(spec: DatasetSpec): string[] {
  return hasOrdering(spec) ? [idColumn(spec), "ordering"] : [idColumn(spec)];
}

/** The IMDb key as the files write it: the prefix and at least 7 digits (tt0000001, nm10000000). */
export function formatKey(spec: DatasetSpec, id: number): string {
  return `${keyPrefix(spec)}${String(id).padStart(7, "0")}`;
}

/** tt0000001 → { prefix: "tt", number: 1 }; undefined for anything else (7 to 10 digits, as IMDb's keys have). */
export function parseKey(key: string): { prefix: "tt" | "nm"; number: number } | undefined {
  const match = /^(tt|nm)(\d{7,10})$/.exec(key);
  return match ? { prefix: match[1] as "tt" | "nm", number: Number(match[2]) } : undefined;
}
