import type { CardPhoto, KeptProperty } from '../card.js';
import { mediaTypeOfToken, parseDataUri, sniffImage } from './media-types.js';
import { paramValues } from './props.js';

/** Field values from jCard (4.0) properties, or null when the field cannot hold the value. */

const trimmed = (value: unknown): string | null => {
  const text = String(value ?? '').trim();
  return text === '' ? null : text;
};

/** A text component: ical.js gives a list where a component held unescaped commas. */
export function component(value: unknown): string | null {
  return trimmed(Array.isArray(value) ? value.join(',') : value);
}

/** The components of a structured value (N, ADR, ORG); a value without `;` is one component. */
export function components(property: KeptProperty, count: number): (string | null)[] {
  const value = property[3];
  const parts = Array.isArray(value) ? value : [value];
  return Array.from({ length: count }, (_, i) => component(parts[i]));
}

/** Every value of a multi-valued text property (NICKNAME, CATEGORIES, a 3.0 NOTE split at commas). */
export function texts(property: KeptProperty): string[] {
  return property.slice(3).map((v) => (Array.isArray(v) ? v.join(',') : String(v ?? '')));
}

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

/** An email address, or null when the value is not one (kept as a property instead). */
export function emailValue(property: KeptProperty): string | null {
  const text = trimmed(property[3])?.replace(/^mailto:/i, '') ?? null;
  return text !== null && text.length <= 254 && EMAIL.test(text) ? text : null;
}

const EXTENSION = /;ext=|\bext\b|\bextension\b|\d\s*x\s*\d|\d\s*[,;#pPwW]+\s*\d/i;

/** A phone number as written (a tel: URI's number), or null for an extension, no digit, or > 64 chars. */
export function phoneValue(property: KeptProperty): string | null {
  let text = trimmed(property[3]);
  if (text === null) return null;
  if (/^tel:/i.test(text)) text = text.slice(4);
  if (!/\d/.test(text) || text.length > 64 || EXTENSION.test(text)) return null;
  return text;
}

/** PHOTO as a data: URI (inline bytes) or another URI; null when a data: URI is malformed or empty. */
export function photoValue(property: KeptProperty): CardPhoto | null {
  const uri = trimmed(property[3]);
  if (uri === null) return null;
  if (!/^data:/i.test(uri)) return { kind: 'uri', uri };
  const data = parseDataUri(uri);
  if (!data || data.data.length === 0) return null;
  const named = data.mediaType === 'application/octet-stream' ? null : data.mediaType;
  const typed = paramValues(property[1], 'mediatype')[0];
  return {
    kind: 'inline',
    mediaType: named ?? (typed ? mediaTypeOfToken(typed) : null) ?? sniffImage(data.data),
    data: data.data,
  };
}

/** The PREF rank of a list entry (1 is the most preferred), Infinity when it has none. */
export function prefRank(property: KeptProperty): number {
  const rank = Number(paramValues(property[1], 'pref')[0]);
  return Number.isFinite(rank) && rank > 0 ? rank : Number.POSITIVE_INFINITY;
}
