import { type ContentLine, formatContentLine, parseContentLine, unfold } from './content-line.js';
import { normaliseDate } from './dates.js';
import { mediaTypeOfToken } from './media-types.js';
import { decodeQuotedPrintable } from './quoted-printable.js';
import { splitLines } from './split.js';

/** A card rewritten as vCard 3.0 (from 2.1 or 3.0) or 4.0 text that ical.js reads without loss. */
export interface Prepassed {
  text: string;
  /** The version the card declared (3.0 when it declared none). */
  version: '2.1' | '3.0' | '4.0';
  warnings: string[];
}

/** The name a free-text 3.0 BDAY has between the pre-pass and ical.js (see `rewrite`). */
export const TEXT_BDAY = 'X-CONTACTS-TEXT-BDAY';
const ENCODINGS = new Set(['QUOTED-PRINTABLE', 'BASE64', 'B', '8BIT', '7BIT']);
// Properties whose value is one text (ical.js does not unescape `\;` in them) or a list of texts.
const TEXT = new Set([
  'FN',
  'NOTE',
  'TITLE',
  'ROLE',
  'EMAIL',
  'LABEL',
  'MAILER',
  'UID',
  'SORT-STRING',
  'CLASS',
]);
const TEXT_LIST = new Set(['NICKNAME', 'CATEGORIES']);
/** The one-text properties whose `;` a 3.0 writer escapes (and the pre-pass unescapes). */
export const TEXT_ESCAPED_SEMICOLON: ReadonlySet<string> = new Set([...TEXT, ...TEXT_LIST]);
const STRUCTURED = new Set(['N', 'ADR', 'ORG', 'GENDER', 'CLIENTPIDMAP']);
// Fast paths: most values hold none of the characters the rewrites look at.
const NEEDS_21 = /[\\,\r\n]/;
const NEEDS_30 = /[\\\r\n]/;
const BEGIN = /^\s*begin\s*:\s*vcard\s*$/i;
const END = /^\s*end\s*:\s*vcard\s*$/i;

function detectVersion(lines: string[]): Prepassed['version'] {
  for (const line of lines) {
    const match = /^\s*version\s*:\s*(\S+)/i.exec(line);
    if (match) return match[1] === '2.1' ? '2.1' : match[1] === '4.0' ? '4.0' : '3.0';
  }
  return '3.0';
}

/**
 * vCard 2.1 text rules to 3.0: `\;` is the only escape (a literal `;` outside N, ADR and ORG), a
 * comma is a plain comma, a backslash a backslash, and a line break (from quoted-printable) a `\n`.
 */
function escape21(raw: string, name: string): string {
  const structured = STRUCTURED.has(name);
  const list = TEXT_LIST.has(name);
  const text = structured || list || TEXT.has(name);
  if (!NEEDS_21.test(raw)) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '\r' || c === '\n') {
      if (c === '\r' && raw[i + 1] === '\n') i++;
      out += '\\n';
    } else if (!text) out += c;
    else if (c === '\\' && raw[i + 1] === ';') {
      out += structured ? '\\;' : ';';
      i++;
    } else if (c === '\\') out += '\\\\';
    else if (c === ',' && !list) out += '\\,';
    else out += c;
  }
  return out;
}

/**
 * vCard 3.0/4.0 text: real line breaks become `\n`; in one-text properties `\;` and `\:` become plain
 * (ical.js leaves them escaped), and so do `\;`, `\:` and `\,` in a URL.
 */
function normalise30(value: string, name: string): string {
  const plainText = TEXT.has(name) || TEXT_LIST.has(name);
  // Google escapes the colon of a URL (`https\://`); a URI has no escapes.
  const url = name === 'URL';
  if (!NEEDS_30.test(value)) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\r' || c === '\n') {
      if (c === '\r' && value[i + 1] === '\n') i++;
      out += '\\n';
    } else if (c === '\\' && (plainText || url) && (value[i + 1] === ';' || value[i + 1] === ':')) {
      out += value[i + 1];
      i++;
    } else if (c === '\\' && url && value[i + 1] === ',') {
      out += value[i + 1];
      i++;
    } else if (c === '\\') {
      out += value.slice(i, i + 2);
      i++;
    } else out += c;
  }
  return out;
}

/** Rewrites one property; `version` is the card's, the output is 3.0 (from 2.1/3.0) or 4.0. */
function rewrite(line: ContentLine, version: Prepassed['version'], warnings: string[]): ContentLine {
  const types: string[] = [];
  const params: ContentLine['params'] = [];
  let encoding: string | null = null;
  let charset: string | null = null;
  let omitYear: string | null = null;
  for (const param of line.params) {
    if (param.name === null || param.name === 'TYPE') {
      for (const value of param.values) {
        if (param.name === null && ENCODINGS.has(value.toUpperCase())) encoding = value.toUpperCase();
        else if (value !== '' && !types.some((t) => t.toLowerCase() === value.toLowerCase()))
          types.push(value);
      }
    } else if (param.name === 'ENCODING') encoding = (param.values[0] ?? '').toUpperCase();
    else if (param.name === 'CHARSET') charset = param.values[0] ?? null;
    else if (param.name === 'X-APPLE-OMIT-YEAR' && line.name === 'BDAY') omitYear = param.values[0] ?? null;
    else if (param.name === 'VALUE' && /^url$/i.test(param.values[0] ?? ''))
      params.push({ name: 'VALUE', values: ['uri'] });
    else params.push(param);
  }
  let value = line.value;
  if (encoding === 'QUOTED-PRINTABLE') {
    value = decodeQuotedPrintable(value, charset);
    value = version === '2.1' ? escape21(value, line.name) : normalise30(value, line.name);
  } else if (encoding === 'BASE64' || encoding === 'B') {
    value = value.replace(/\s+/g, '');
    if (version === '4.0') {
      const mediaToken = types.find((t) => mediaTypeOfToken(t) !== null);
      value = `data:${mediaToken ? mediaTypeOfToken(mediaToken) : 'application/octet-stream'};base64,${value}`;
      if (mediaToken) types.splice(types.indexOf(mediaToken), 1);
    } else params.push({ name: 'ENCODING', values: ['b'] });
  } else value = version === '2.1' ? escape21(value, line.name) : normalise30(value, line.name);

  if (line.name === 'BDAY') {
    const date = normaliseDate(value, omitYear);
    if (date) {
      value = date.date;
      if (date.timeDropped) warnings.push(`BDAY time of day dropped: ${line.value.trim()}`);
      for (let i = params.length - 1; i >= 0; i--) if (params[i]!.name === 'VALUE') params.splice(i, 1);
    } else {
      if (omitYear !== null) params.push({ name: 'X-APPLE-OMIT-YEAR', values: [omitYear] });
      // Free text ("circa 1800"): ical.js would cut a date out of it. In 3.0 it guesses the type from
      // the value whatever VALUE says, so the property travels under a name parse.ts turns back.
      for (let i = params.length - 1; i >= 0; i--) if (params[i]!.name === 'VALUE') params.splice(i, 1);
      params.push({ name: 'VALUE', values: ['text'] });
      if (version !== '4.0') return { ...line, name: TEXT_BDAY, params, value };
    }
  }
  // ical.js reads a vCard 4.0 timestamp only in the basic form (19951031T222710Z).
  if (version === '4.0' && line.name === 'REV' && /^\d{4}-\d{2}-\d{2}T/.test(value))
    value = value.replace(/[-:]/g, '');
  if (types.length > 0) params.unshift({ name: 'TYPE', values: types });
  return { ...line, params, value };
}

/** Escapes a nested card as the text value of a vCard 3.0 AGENT. */
function agentValue(nested: string): string {
  return nested
    .replace(/\\/g, '\\\\')
    .replace(/([,;])/g, '\\$1')
    .replace(/\r\n/g, '\\n');
}

/**
 * Turns one card (BEGIN:VCARD … END:VCARD) into text ical.js reads losslessly: unfolded by its
 * version's rules, quoted-printable decoded in its CHARSET, bare parameters named, base64 joined,
 * 2.1 escaping made 3.0 escaping, birthdays normalised, nested 2.1 AGENT cards embedded as 3.0 does.
 * vCard 2.1 and 3.0 come out as 3.0, 4.0 as 4.0, with VERSION first (ical.js needs it there).
 */
export function prepass(card: string): Prepassed {
  const physical = splitLines(card);
  const version = detectVersion(physical);
  const lines = unfold(physical, version);
  const warnings: string[] = [];
  const out: ContentLine[] = [];
  let i = lines.findIndex((line) => BEGIN.test(line)) + 1;
  for (; i < lines.length && !END.test(lines[i]!); i++) {
    const text = lines[i]!;
    if (BEGIN.test(text)) {
      const from = i;
      for (let depth = 1; depth > 0 && i + 1 < lines.length; ) {
        i++;
        if (BEGIN.test(lines[i]!)) depth++;
        else if (END.test(lines[i]!)) depth--;
      }
      const nested = prepass(lines.slice(from, i + 1).join('\r\n'));
      const agent = out[out.length - 1];
      if (agent?.name === 'AGENT' && agent.value.trim() === '') agent.value = agentValue(nested.text);
      continue;
    }
    const line = parseContentLine(text);
    if (line === null || line.name === '') {
      warnings.push(`line ignored, not a property: ${text.slice(0, 40)}`);
      continue;
    }
    if (line.name === 'VERSION') continue;
    out.push(rewrite(line, version, warnings));
  }
  const target = version === '4.0' ? '4.0' : '3.0';
  const body = out.map(formatContentLine);
  return { text: ['BEGIN:VCARD', `VERSION:${target}`, ...body, 'END:VCARD'].join('\r\n'), version, warnings };
}
