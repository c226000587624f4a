import { buildSearchText } from '../src/lib/search-text.js';

/** Deterministic PRNG (mulberry32), so every run seeds the same data set. */
export function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LATIN_FIRST = [
  'Maria',
  'Marie',
  'Mario',
  'Anna',
  'John',
  'James',
  'Emily',
  'Olivia',
  'Lucas',
  'Noah',
  'Sofia',
  'Liam',
  'Emma',
  'Marek',
  'Hannah',
  'Peter',
  'Laura',
  'David',
  'Julia',
  'Thomas',
  'Sarah',
  'Daniel',
  'Chloe',
  'Paul',
];
const LATIN_LAST = [
  'Smith',
  'Johnson',
  'Miller',
  'Garcia',
  'Martin',
  'Müller',
  'Schmidt',
  'Kowalski',
  'Nowak',
  'Rossi',
  'Dubois',
  'Brown',
  'Wilson',
  'Taylor',
  'Anderson',
  'Moreau',
  'Fischer',
  'Weber',
  'Lopez',
  'Clark',
];
const CYRILLIC_FIRST = [
  'Олена',
  'Олександр',
  'Андрій',
  'Марія',
  'Іван',
  'Наталія',
  'Дмитро',
  'Ольга',
  'Сергій',
  'Тетяна',
  'Юлія',
  'Максим',
  'Ірина',
  'Богдан',
  'Анна',
  'Павло',
  'Світлана',
  'Олег',
  'Катерина',
  'Віктор',
];
const CYRILLIC_LAST = [
  'Шевченко',
  'Коваленко',
  'Бондаренко',
  'Ткаченко',
  'Кравченко',
  'Олійник',
  'Мельник',
  'Шевчук',
  'Поліщук',
  'Бойко',
  'Петренко',
  'Лисенко',
  'Руденко',
  'Савченко',
  'Іваненко',
  'Гончаренко',
  'Мороз',
  'Кузьменко',
];
const DOMAINS = ['gmail.com', 'ukr.net', 'outlook.com', 'example.org', 'i.ua', 'proton.me'];
// Prefixes whose numbers are valid with `digits` more random digits (the API validates phones; seeding via HTTP must pass).
const PHONES: [prefix: string, digits: number][] = [
  ['+38050', 7],
  ['+38067', 7],
  ['+38063', 7],
  ['+38097', 7],
  ['+38093', 7],
  ['+1212555', 4],
  ['+1415555', 4],
  ['+4915', 9],
  ['+4860', 7],
];

const TRANSLIT: Record<string, string> = {
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'h',
  ґ: 'g',
  д: 'd',
  е: 'e',
  є: 'ie',
  ж: 'zh',
  з: 'z',
  и: 'y',
  і: 'i',
  ї: 'i',
  й: 'i',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'kh',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'shch',
  ь: '',
  ю: 'iu',
  я: 'ia',
  ü: 'u',
};

function ascii(name: string): string {
  return [...name.toLowerCase()].map((c) => TRANSLIT[c] ?? c).join('');
}

export interface SeedContact {
  firstName: string;
  lastName: string | null;
  email: string | null;
  phone: string | null;
  birthday: string | null;
  searchText: string;
}

const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const pad = (n: number, width: number) => String(n).padStart(width, '0');
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A birthday spread uniformly over the year; 1 in 400 is a 29 February of a leap year. */
function birthday(random: () => number): string {
  const year = 1950 + Math.floor(random() * 56);
  if (random() < 1 / 400) return `${year - (year % 4)}-02-29`;
  let day = Math.floor(random() * 365);
  let month = 0;
  while (day >= DAYS_IN_MONTH[month]!) day -= DAYS_IN_MONTH[month++]!;
  return `${year}-${pad(month + 1, 2)}-${pad(day + 1, 2)}`;
}

function randomPhone(random: () => number): string {
  const [prefix, digits] = pick(random, PHONES);
  return `${prefix}${pad(Math.floor(random() * 10 ** digits), digits)}`;
}

/**
 * `count` contacts of one user: half Latin, half Cyrillic names; emails unique within the book (the
 * index is per user), 90 % with an email, E.164 phones, 90 % with a birthday. search_text is computed
 * by the service's own buildSearchText, so it is byte for byte what the service would have written.
 */
export function contactsFor(count: number, seed: number): SeedContact[] {
  const random = rng(seed);
  const rows: SeedContact[] = [];
  for (let i = 0; i < count; i++) {
    const cyrillic = random() < 0.5;
    const firstName = pick(random, cyrillic ? CYRILLIC_FIRST : LATIN_FIRST);
    const lastName = random() < 0.95 ? pick(random, cyrillic ? CYRILLIC_LAST : LATIN_LAST) : null;
    const email =
      random() < 0.9 ? `${ascii(firstName)}.${ascii(lastName ?? 'x')}${i}@${pick(random, DOMAINS)}` : null;
    const phone = random() < 0.85 ? randomPhone(random) : null;
    const row = { firstName, lastName, email, phone, birthday: random() < 0.9 ? birthday(random) : null };
    rows.push({ ...row, searchText: buildSearchText(row) });
  }
  return rows;
}

/** The search queries rotated by the search workload: Latin name, Cyrillic, email and phone fragments. */
export const SEARCH_QUERIES = ['mari', 'олен', 'shevchenko', '50123'];
