/**
 * The whole card, as the vCard and CSV mappers read and write it: the v2 contact of the HTTP
 * contract in camelCase, plus what no field models. Pure data, independent of storage and of the
 * format it came in, so import, export and CardDAV all speak it.
 */

/** An email or phone entry. `type` is a free label (home, work, mobile, other, or the card's own). */
export interface CardValue {
  value: string;
  type: string | null;
  primary: boolean;
}

export interface CardAddress {
  type: string | null;
  street: string | null;
  locality: string | null;
  region: string | null;
  postalCode: string | null;
  country: string | null;
  poBox: string | null;
  extended: string | null;
  primary: boolean;
}

export interface CardUrl {
  value: string;
  type: string | null;
}

/** A photo carried inside the card (base64 or data: URI), or a link to one. */
export type CardPhoto = { kind: 'inline'; mediaType: string; data: Uint8Array } | { kind: 'uri'; uri: string };

/**
 * A property no field models, kept to be written back: a jCard property array
 * `[name, params, valueType, ...values]` (RFC 7095), the version-neutral form ical.js reads and
 * writes. An item group (`item1.X-ABLABEL`) is the `group` parameter, as in jCard.
 */
export type KeptProperty = [string, Record<string, unknown>, string, ...unknown[]];

export interface Card {
  /** vCard UID; null when the card has none (the importer derives one). */
  uid: string | null;
  /** FN. */
  displayName: string | null;
  /** N: given name (the v1 `first_name`), family name (`last_name`), and the rest. */
  givenName: string | null;
  familyName: string | null;
  middleName: string | null;
  namePrefix: string | null;
  nameSuffix: string | null;
  nickname: string | null;
  /** ORG: organization and department; TITLE. */
  organization: string | null;
  department: string | null;
  jobTitle: string | null;
  emails: CardValue[];
  phones: CardValue[];
  addresses: CardAddress[];
  urls: CardUrl[];
  /** CATEGORIES (Google's and Outlook's labels, CSV "Labels"/"Group Membership"). */
  groups: string[];
  /** `YYYY-MM-DD`, or `--MM-DD` when the year is unknown. */
  birthday: string | null;
  /** NOTE (the v1 `additional_info`). */
  note: string | null;
  photo: CardPhoto | null;
  kept: KeptProperty[];
}

/** A card with every field empty: the start of every mapper. */
export function emptyCard(): Card {
  return {
    uid: null,
    displayName: null,
    givenName: null,
    familyName: null,
    middleName: null,
    namePrefix: null,
    nameSuffix: null,
    nickname: null,
    organization: null,
    department: null,
    jobTitle: null,
    emails: [],
    phones: [],
    addresses: [],
    urls: [],
    groups: [],
    birthday: null,
    note: null,
    photo: null,
    kept: [],
  };
}

/** One card read from a file: the card, or why it failed; `line` is 1-based, counted by LF. */
export type ReadCard =
  | { index: number; line: number; card: Card; warnings: string[] }
  | { index: number; line: number; error: string };
