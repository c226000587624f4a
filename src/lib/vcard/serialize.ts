import ICAL from 'ical.js';
import type { KeptProperty } from '../card.js';
import { TEXT_ESCAPED_SEMICOLON } from './prepass.js';

/** The PRODID this service writes. */
export const PRODID = '-//Contacts API//vCard//EN';

type Version = '3.0' | '4.0';
type DesignSet = { property: Record<string, { defaultType?: string; detectType?: unknown }> };
const DESIGN: Record<Version, DesignSet> = {
  '3.0': (ICAL.design as unknown as { vcard3: DesignSet }).vcard3,
  '4.0': (ICAL.design as unknown as { vcard: DesignSet }).vcard,
};
const DATE_TYPES = new Set(['date', 'date-time', 'date-and-or-time', 'timestamp', 'time']);

/** The value type a reader assumes without a VALUE parameter (ical.js's design sets, which follow the RFCs). */
function isDefaultType(name: string, type: string, version: Version): boolean {
  const design = DESIGN[version].property[name];
  if (!design) return type === 'unknown';
  // 3.0's BDAY and REV are read as a date or a date-time by their shape.
  if (design.detectType) return type === 'date' || type === 'date-time';
  return design.defaultType === type;
}

const lineBreaks = (text: string): string => text.replace(/\r\n|\r|\n/g, '\\n');

function escapeText(text: string, semicolon: boolean): string {
  let out = '';
  for (const c of text) {
    if (c === '\\') out += '\\\\';
    else if (c === ',') out += '\\,';
    else if (c === ';' && semicolon) out += '\\;';
    else out += c;
  }
  return lineBreaks(out);
}

/** vCard 4.0 writes dates and times in ISO 8601's basic form (19850412, --0412, 102200Z); 3.0 keeps the extended one. */
function formatDate(value: string, version: Version): string {
  if (version === '3.0') return value;
  const [date = '', time] = value.split('T');
  const basicDate = /^\d{4}-\d{2}$/.test(date)
    ? date
    : date.startsWith('--')
      ? `--${date.slice(2).replace(/-/g, '')}`
      : date.replace(/-/g, '');
  return time === undefined ? basicDate : `${basicDate}T${time.replace(/:/g, '')}`;
}

function formatValue(
  name: string,
  type: string,
  value: unknown,
  version: Version,
  structured: boolean,
): string {
  if (Array.isArray(value)) {
    return value
      .map((part) =>
        Array.isArray(part)
          ? part.map((item) => formatValue(name, type, item, version, true)).join(',')
          : formatValue(name, type, part, version, true),
      )
      .join(';');
  }
  const text = value === true ? 'TRUE' : value === false ? 'FALSE' : String(value ?? '');
  if (type === 'text' || type === 'vcard') {
    return escapeText(
      text,
      structured || (version === '3.0' && TEXT_ESCAPED_SEMICOLON.has(name.toUpperCase())),
    );
  }
  if (DATE_TYPES.has(type)) return formatDate(text, version);
  // 3.0 phone numbers escape , and ; (ical.js and vobject read them so); a pause (,,) survives.
  if (type === 'phone-number') return lineBreaks(text.replace(/[,;]/g, '\\$&'));
  if (type === 'utc-offset') return version === '4.0' ? text.replace(':', '') : text;
  return lineBreaks(text);
}

function formatParam(value: unknown): string {
  const text = String(value)
    .replace(/\^/g, '^^')
    .replace(/"/g, "^'")
    .replace(/\r\n|\r|\n/g, '^n');
  return /[;:,]/.test(text) ? `"${text}"` : text;
}

/** One jCard property as an unfolded content line of the given version. */
export function serializeProperty(property: KeptProperty, version: Version): string {
  const [rawName, params, type, ...values] = property;
  const name = rawName.toLowerCase();
  const group = typeof params.group === 'string' && params.group !== '' ? `${params.group}.` : '';
  let line = group + name.toUpperCase();
  for (const [key, value] of Object.entries(params)) {
    if (key === 'group' || key === 'value' || value === undefined || value === null) continue;
    const list = Array.isArray(value) ? value : [value];
    line += `;${key.toUpperCase()}=${list.map(formatParam).join(',')}`;
  }
  if (!isDefaultType(name, type, version)) line += `;VALUE=${type.toUpperCase()}`;
  const text = values.map((value) => formatValue(name, type, value, version, false)).join(',');
  return `${line}:${text}`;
}

/**
 * Folds a line at 75 octets (RFC 6350 3.2; continuation lines start with a space and hold 74), never
 * inside a UTF-8 sequence or a surrogate pair.
 */
export function fold(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  let limit = 75;
  for (const char of line) {
    const code = char.codePointAt(0)!;
    const size = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    if (octets + size > limit) {
      parts.push(current);
      current = '';
      octets = 0;
      limit = 74;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n ');
}

/** A whole card: BEGIN, VERSION, PRODID, the properties, END; CRLF line ends, folded. */
export function serializeCard(properties: KeptProperty[], version: Version, prodId: string = PRODID): string {
  const lines = ['BEGIN:VCARD', `VERSION:${version}`, `PRODID:${escapeText(prodId, false)}`];
  for (const property of properties) lines.push(fold(serializeProperty(property, version)));
  lines.push('END:VCARD');
  return `${lines.join('\r\n')}\r\n`;
}
