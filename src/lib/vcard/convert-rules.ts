import type { KeptProperty } from '../card.js';
import { ANNIVERSARY_LABEL, GENDER_WORDS, IM_SCHEMES, SERVICE_TYPES, schemeOf } from './convert-tables.js';
import { normaliseDate } from './dates.js';
import { mediaTypeOfToken, tokenOfMediaType } from './media-types.js';
import { firstText, freeGroup, groupOf, type Params, paramValue, paramValues, without } from './props.js';

/**
 * What changes between vCard 3.0 and 4.0, one rule per property, as sabre/vobject's VCardConverter
 * lists it. Rules take ical.js's jCard arrays and give the property (or properties) of the other
 * version; a property with no rule passes unchanged. Unlike VCardConverter, nothing is dropped:
 * 3.0's LABEL, NAME, MAILER, CLASS and SORT-STRING stay as they are (4.0 readers ignore them).
 */
export interface Context {
  /** Every property of the card being converted (for Apple's item-group labels). */
  all: KeptProperty[];
  /** The properties converted so far (to avoid duplicate anniversaries and group names). */
  out: KeptProperty[];
}
export type Rule = (prop: KeptProperty, context: Context) => KeptProperty[];

const prop = (name: string, params: Params, type: string, ...values: unknown[]): KeptProperty => [
  name,
  params,
  type,
  ...values,
];

const isAnniversary = (context: Context, value: string): boolean =>
  context.out.some((p) => p[0] === 'anniversary' && firstText(p) === value);

/** 3.0 inline data (ENCODING=b, TYPE=JPEG) → a 4.0 data: URI. */
const binaryToUri: Rule = ([name, params, type, ...values]) => {
  if (type !== 'binary') return [prop(name, params, type, ...values)];
  const types = paramValues(params, 'type');
  const media = types.find((t) => mediaTypeOfToken(t) !== null);
  const rest = types.filter((t) => t !== media);
  const next = without(params, 'encoding', 'type');
  if (rest.length > 0) next.type = paramValue(rest);
  const mediaType = media ? mediaTypeOfToken(media)! : 'application/octet-stream';
  return [prop(name, next, 'uri', `data:${mediaType};base64,${String(values[0] ?? '')}`)];
};

/** A 4.0 data: URI with base64 → 3.0 inline data; other URIs stay URIs. */
const uriToBinary: Rule = ([name, params, type, ...values]) => {
  const match = /^data:([^;,]*)((?:;[^;,]*)*?);base64,(.*)$/is.exec(String(values[0] ?? ''));
  if (!match) return [prop(name, params, type, ...values)];
  const next: Params = { ...without(params, 'mediatype'), encoding: 'b' };
  const types = paramValues(params, 'type');
  if (match[1]) types.unshift(tokenOfMediaType(match[1]));
  if (types.length > 0) next.type = paramValue(types);
  return [prop(name, next, 'binary', match[3]!)];
};

const rename =
  (to: string, type?: string): Rule =>
  ([, params, valueType, ...values]) => [prop(to, params, type ?? valueType, ...values)];

const dateTo4: Rule = ([name, params, , ...values]) => {
  const date = normaliseDate(
    firstText([name, params, '', ...values]),
    paramValues(params, 'x-apple-omit-year')[0] ?? null,
  );
  const next = without(params, 'x-apple-omit-year');
  return [prop(name, next, date ? 'date-and-or-time' : 'text', date ? date.date : String(values[0] ?? ''))];
};

/** Year-less dates become Apple's 1604 with X-APPLE-OMIT-YEAR, which iOS and macOS read. */
const dateTo3 = (name: string, prop3: KeptProperty): KeptProperty => {
  const [, params, type, value] = prop3;
  const text = String(value ?? '');
  if (type === 'text') return prop(name, params, 'text', text);
  if (/^--\d{2}-\d{2}$/.test(text))
    return prop(name, { ...params, 'x-apple-omit-year': '1604' }, 'date', `1604${text.slice(1)}`);
  return prop(name, params, text.includes('T') ? 'date-time' : 'date', text);
};

export const TO_V4: Record<string, Rule> = {
  photo: binaryToUri,
  logo: binaryToUri,
  sound: binaryToUri,
  key: binaryToUri,
  bday: dateTo4,
  anniversary: dateTo4,
  deathdate: dateTo4,
  tel: ([name, params, type, ...values]) => [
    prop(name, params, type === 'phone-number' ? 'text' : type, ...values),
  ],
  rev: ([name, params, type, ...values]) => [
    prop(name, params, type === 'date-time' ? 'timestamp' : type, ...values),
  ],
  'x-abshowas': (p) =>
    /^company$/i.test(firstText(p)) ? [prop('kind', without(p[1], 'group'), 'text', 'org')] : [p],
  'x-addressbookserver-kind': (p) => [prop('kind', p[1], 'text', firstText(p).toLowerCase())],
  // The X-SERVICE-TYPE the 3.0 rule adds is dropped again, so a round trip gives the same property.
  impp: ([name, params, type, ...values]) => {
    const service = params['x-service-type'];
    // 3.0 has no IMPP of its own (RFC 4770 adds it), so ical.js reads its value as unknown.
    const uri = type === 'unknown' ? 'uri' : type;
    if (service === undefined || service !== SERVICE_TYPES[schemeOf(values[0])])
      return [prop(name, params, uri, ...values)];
    return [prop(name, without(params, 'x-service-type'), uri, ...values)];
  },
  'x-addressbookserver-member': rename('member', 'uri'),
  'x-anniversary': (p, context) => {
    const [converted] = dateTo4(['anniversary', p[1], p[2], ...p.slice(3)], context);
    return converted && isAnniversary(context, firstText(converted)) ? [] : converted ? [converted] : [];
  },
  'x-abdate': (p, context) => {
    const group = groupOf(p);
    const label = context.all.find((q) => q[0] === 'x-ablabel' && groupOf(q) === group);
    if (!group || !label || firstText(label) !== ANNIVERSARY_LABEL) return [p];
    const [converted] = dateTo4(['anniversary', without(p[1], 'group'), p[2], ...p.slice(3)], context);
    return !converted || isAnniversary(context, firstText(converted)) ? [] : [converted];
  },
  'x-ablabel': (p, context) => {
    const group = groupOf(p);
    const dated = context.all.some((q) => q[0] === 'x-abdate' && groupOf(q) === group);
    return dated && firstText(p) === ANNIVERSARY_LABEL ? [] : [p];
  },
  'x-gender': (p) => {
    const text = firstText(p);
    const sex = Object.entries(GENDER_WORDS).find(
      ([, word]) => word.toLowerCase() === text.toLowerCase(),
    )?.[0];
    return [prop('gender', p[1], 'text', sex ? sex.toUpperCase() : ['', text])];
  },
  geo: ([name, params, type, ...values]) => {
    const value = values[0];
    if (type !== 'float' || !Array.isArray(value)) return [prop(name, params, type, ...values)];
    return [prop(name, params, 'uri', `geo:${value.map(String).join(',')}`)];
  },
  agent: ([, params, type, ...values]) => [
    prop('related', { ...params, type: 'agent' }, type === 'uri' ? 'uri' : 'text', ...values),
  ],
  ...Object.fromEntries(
    Object.entries(IM_SCHEMES).map(([name, scheme]): [string, Rule] => [
      name,
      (p) => [prop('impp', p[1], 'uri', `${scheme}:${firstText(p)}`)],
    ]),
  ),
};

export const TO_V3: Record<string, Rule> = {
  photo: uriToBinary,
  logo: uriToBinary,
  sound: uriToBinary,
  key: uriToBinary,
  bday: (p) => [dateTo3('bday', p)],
  deathdate: (p) => [dateTo3('deathdate', p)],
  rev: ([name, params, type, ...values]) => [
    prop(name, params, type === 'timestamp' ? 'date-time' : type, ...values),
  ],
  tel: ([name, params, type, ...values]) => {
    const text = String(values[0] ?? '');
    return [prop(name, params, 'phone-number', type === 'uri' ? text.replace(/^tel:/i, '') : text)];
  },
  kind: (p) => {
    const kind = firstText(p).toLowerCase();
    if (kind === 'org') return [prop('x-abshowas', p[1], 'unknown', 'COMPANY')];
    return [prop('x-addressbookserver-kind', p[1], 'unknown', kind)];
  },
  member: ([, params, , ...values]) => [prop('x-addressbookserver-member', params, 'unknown', ...values)],
  anniversary: (p, context) => {
    const date = dateTo3('x-anniversary', p);
    if (date[2] === 'text') return [prop('anniversary', p[1], 'text', firstText(p))];
    // Outlook reads X-ANNIVERSARY, Apple an X-ABDATE labelled as an anniversary.
    const group = freeGroup([...context.all, ...context.out]);
    const abdate = prop('x-abdate', { ...date[1], group }, 'unknown', String(date[3]));
    return [
      prop('x-anniversary', without(date[1], 'x-apple-omit-year'), 'unknown', firstText(p)),
      abdate,
      prop('x-ablabel', { group }, 'unknown', ANNIVERSARY_LABEL),
    ];
  },
  gender: (p) => {
    const value = p[3];
    const [sex, identity] = Array.isArray(value) ? value.map(String) : [String(value ?? ''), ''];
    const word = GENDER_WORDS[(sex ?? '').toLowerCase()];
    if (word && !identity) return [prop('x-gender', p[1], 'unknown', word)];
    return [p];
  },
  geo: ([name, params, type, ...values]) => {
    const match = /^geo:(-?[\d.]+),(-?[\d.]+)/i.exec(String(values[0] ?? ''));
    if (!match) return [prop(name, params, type, ...values)];
    return [prop(name, params, 'float', [Number(match[1]), Number(match[2])])];
  },
  impp: ([name, params, type, ...values]) => {
    if (params['x-service-type'] !== undefined) return [prop(name, params, type, ...values)];
    const service = SERVICE_TYPES[schemeOf(values[0])];
    return [prop(name, service ? { ...params, 'x-service-type': service } : params, type, ...values)];
  },
  related: ([name, params, type, ...values]) => {
    const types = paramValues(params, 'type');
    if (!types.some((t) => t.toLowerCase() === 'agent')) return [prop(name, params, type, ...values)];
    const rest = types.filter((t) => t.toLowerCase() !== 'agent');
    const next = without(params, 'type');
    if (rest.length > 0) next.type = paramValue(rest);
    const text = String(values[0] ?? '');
    return [prop('agent', next, /^begin:vcard/i.test(text) ? 'vcard' : type, text)];
  },
};
