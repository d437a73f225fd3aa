/**
 * Value shapes of the real IMDb files (see /work/shared/imdb-samples): `\N` for null, comma lists,
 * genres from the real 28 names, years, ratings like 6.5, characters like ["Herself"], and now and then
 * accents, 4-byte UTF-8 (emoji, CJK extension B), backslashes and stray spaces. Every value stays well
 * inside the column limits of lib/catalog/datasets.ts, so a generated file has no rejected lines.
 */
import { formatKey, type KeySpace } from "./keys";
import type { Rng } from "./prng";

export const NULL = "\\N";

/** A vocabulary written as one "|"-separated string (keeps the lists compact). */
function words(list: string): readonly string[] {
  return list.split("|");
}

export const genreNames = words(
  "Action|Adult|Adventure|Animation|Biography|Comedy|Crime|Documentary|Drama|Family|Fantasy|Film-Noir|Game-Show|History|Horror|Music|Musical|Mystery|News|Reality-TV|Romance|Sci-Fi|Short|Sport|Talk-Show|Thriller|War|Western",
);

export const titleTypes = words("movie|short|tvSeries|tvMovie|tvMiniSeries|tvSpecial|video|videoGame|tvShort|tvPilot");

const professions = words(
  "actor|actress|producer|writer|director|miscellaneous|cinematographer|composer|editor|soundtrack|camera_department|art_department|sound_department|casting_director|stunts|make_up_department|self|archive_footage|production_manager|visual_effects",
);

const categories = words(
  "actor|actress|self|director|writer|producer|composer|cinematographer|editor|production_designer|archive_footage|casting_director|archive_sound",
);

const jobs = words(
  "producer|director of photography|screenplay|novel|executive producer|story|writer|co-director|based on the play by|written by|characters|teleplay",
);

const firstNames = words(
  "Fred|Lauren|Brigitte|John|Ingmar|Ingrid|Humphrey|Marlon|Richard|James|Mary|Anna|Sophia|Jean-Luc|François|Zoë|Björn|José|Renée|Ólafur|Søren|Małgorzata|Jiří|Nguyễn|Αλέξανδρος|Дмитрий|Наталья|健|さくら|민준|محمد|Şükrü|Łucja|Chloé",
);

const lastNames = words(
  "Astaire|Bacall|Bardot|Belushi|Bergman|Bogart|Brando|Burton|Dean|Smith|Müller|García|Núñez|Dvořák|Kowalski|Ó Súilleabháin|Lindqvist|Østergaard|Papadopoulos|Иванов|高倉|佐藤|김|حداد|Öztürk|Nguyễn|D'Amico|van der Berg|O'Brien|Smith-Jones",
);

const titleWords = words(
  "The|A|Night|Day|Love|Man|Woman|House|City|Last|First|Dark|Blue|Story|Return|Secret|World|Life|Death|Home|King|Queen|War|Blood|Heart|River|Road|Summer|Winter|Dream|Ghost|Fire|Water|Star|Moon|Sun|Shadow|Song|Game|Time|of|in|and|the|on|Episode|Chapter|Part|Pauvre|Pierrot|clown|chiens|Carmencita|Liebe|Nacht|Straße|amour|été|Café|Niño|Mañana|Ночь|Любовь|夜|愛|東京|사랑|Καρμενσίτα|ليلة|Göttin|Ærø|Ça|déjà|vu",
);

/** Rare shapes the engine must carry byte for byte: 4-byte UTF-8, backslashes, stray spaces. */
const oddities = words("🎬|𠮷野家|𝔄𝔫𝔫𝔞|😀|AC\\DC|C:\\Netflix|\\o/|back\\slash|  |ø\\");

const regions = words("US|GB|FR|DE|HU|GR|RU|JP|IT|ES|BR|IN|CA|AU|XWW|SUHH");
const languages = words("en|fr|ja|de|es|ru|hi|qbn|cmn|yue|sv");
const akaTypes = words("imdbDisplay|original|alternative|working|festival|dvd|tv|video");
const attributes = words(
  "literal English title|alternative spelling|new title|short title|original script title|complete title|reissue title|informal title|8mm release title|YIVO translation",
);

export function pickNull(rng: Rng, nullShare: number, value: () => string): string {
  return rng.unit() < nullShare ? NULL : value();
}

/** A comma list of 1..max distinct items of `from`, in `from`'s order (as IMDb writes genres). */
export function sortedSubset(rng: Rng, from: readonly string[], min: number, max: number): string {
  const n = rng.range(min, max);
  const chosen = new Set<number>();
  while (chosen.size < n) chosen.add(rng.int(from.length));
  return [...chosen]
    .sort((a, b) => a - b)
    .map((i) => from[i])
    .join(",");
}

export function genres(rng: Rng): string {
  return pickNull(rng, 0.08, () => sortedSubset(rng, genreNames, 1, 3));
}

export function personName(rng: Rng): string {
  const name = `${rng.pick(firstNames)} ${rng.pick(lastNames)}`;
  return rng.unit() < 0.004 ? `${name} ${rng.pick(oddities)}` : name;
}

export function title(rng: Rng): string {
  const count = rng.geometric(3, 1);
  let text = rng.pick(titleWords);
  for (let i = 1; i < count && i < 40; i++) text += ` ${rng.pick(titleWords)}`;
  const odd = rng.unit();
  if (odd < 0.004) return `${text} ${rng.pick(oddities)}`;
  if (odd < 0.005) return ` ${text} `;
  if (odd < 0.007) return `${text} #${rng.range(1, 999)}`;
  return text;
}

export function year(rng: Rng, from = 1874, to = 2031): string {
  return String(rng.range(from, to));
}

export function rating(rng: Rng): string {
  const tenths = Math.min(100, Math.max(10, Math.round(65 + 12 * (rng.unit() + rng.unit() + rng.unit() - 1.5) * 2)));
  return `${Math.floor(tenths / 10)}.${tenths % 10}`;
}

export function votes(rng: Rng): string {
  return String(5 + Math.floor(Math.exp(rng.unit() * 12)));
}

/** A comma list of 1..max keys of `space`, each a uniformly chosen existing key. */
export function keyList(rng: Rng, prefix: "tt" | "nm", space: KeySpace, min: number, max: number): string {
  const n = rng.range(min, max);
  let text = formatKey(prefix, space.id(rng.int(space.count)));
  for (let i = 1; i < n; i++) text += `,${formatKey(prefix, space.id(rng.int(space.count)))}`;
  return text;
}

export function professionList(rng: Rng): string {
  return pickNull(rng, 0.1, () => sortedSubset(rng, professions, 1, 3));
}

export function category(rng: Rng): string {
  return rng.pick(categories);
}

export function job(rng: Rng): string {
  return pickNull(rng, 0.85, () => rng.pick(jobs));
}

/** ["Herself"] / ["Narrator","Dr. Jones"]: a JSON-like array with bare double quotes, or \N. */
export function characters(rng: Rng): string {
  return pickNull(rng, 0.5, () => {
    const n = rng.geometric(1.2, 1);
    const names: string[] = [];
    for (let i = 0; i < n && i < 8; i++) {
      const kind = rng.unit();
      names.push(kind < 0.15 ? rng.pick(["Herself", "Himself", "Narrator", "Self"]) : personName(rng));
    }
    return `["${names.join('","')}"]`;
  });
}

export function region(rng: Rng): string {
  return pickNull(rng, 0.2, () => rng.pick(regions));
}

export function language(rng: Rng): string {
  return pickNull(rng, 0.7, () => rng.pick(languages));
}

export function akaType(rng: Rng): string {
  return pickNull(rng, 0.6, () => rng.pick(akaTypes));
}

export function attribute(rng: Rng): string {
  return pickNull(rng, 0.95, () => rng.pick(attributes));
}
