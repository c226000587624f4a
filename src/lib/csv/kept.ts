import type { Card, KeptProperty } from '../card.js';
import { parseDateCell, parseLabel } from './values.js';

/**
 * CSV columns no card field models, as the vCard properties real programs use for them, so that an export
 * to vCard carries them to a phone: anniversary → ANNIVERSARY; other events → Apple's item-group
 * X-ABDATE + X-ABLabel (what iOS and Google's own vCard export use); relations → RELATED;TYPE=<label>;
 * instant messaging → IMPP with X-SERVICE-TYPE; phonetic names → X-PHONETIC-*-NAME; anything else (Google's
 * custom fields, Outlook's other columns) → X-CUSTOM-FIELD;X-LABEL=<label or column name>.
 */

function dateValue(value: string): { type: string; value: string } {
  const date = parseDateCell(value);
  return date.ok && date.value !== null
    ? { type: 'date-and-or-time', value: date.value }
    : { type: 'text', value };
}

/** The next Apple item group name (`item1`, `item2`…) not yet used by a kept property of the card. */
function nextItemGroup(card: Card): string {
  const used = new Set(card.kept.map((prop) => prop[1].group));
  let n = 1;
  while (used.has(`item${n}`)) n += 1;
  return `item${n}`;
}

/** Keeps an event (Google's `Event N`, Outlook's `Anniversary`). */
export function keepEvent(card: Card, label: string, value: string): void {
  const date = dateValue(value);
  const { type } = parseLabel(label);
  if (type === 'anniversary') {
    card.kept.push(['anniversary', {}, date.type, date.value]);
    return;
  }
  if (type === null) {
    card.kept.push(['x-abdate', {}, date.type, date.value]);
    return;
  }
  const group = nextItemGroup(card);
  card.kept.push(
    ['x-abdate', { group }, date.type, date.value],
    ['x-ablabel', { group }, 'text', label.trim()],
  );
}

/** Keeps a related person (Google's `Relation N`, Outlook's `Spouse`, `Children`, `Manager's Name`…). */
export function keepRelation(card: Card, label: string, value: string): void {
  const { type } = parseLabel(label);
  card.kept.push(['related', type === null ? {} : { type }, 'text', value]);
}

// IM services as Google names them → URI schemes (RFC 6350 IMPP); unknown services use Apple's x-apple.
const IM_SCHEMES: Record<string, string> = {
  aim: 'aim',
  'google talk': 'xmpp',
  hangouts: 'xmpp',
  jabber: 'xmpp',
  xmpp: 'xmpp',
  icq: 'icq',
  msn: 'msnim',
  'windows live': 'msnim',
  qq: 'qq',
  skype: 'skype',
  yahoo: 'ymsgr',
};

/** Keeps an instant-messaging handle (Google's `IM N` label, service and value). */
export function keepIm(card: Card, label: string, service: string, value: string): void {
  const params: Record<string, unknown> = {};
  const { type } = parseLabel(label);
  if (type !== null) params.type = type;
  if (service !== '') params['x-service-type'] = service;
  const scheme = IM_SCHEMES[service.toLowerCase()] ?? 'x-apple';
  const uri = /^[a-z][a-z0-9+.-]*:\S/i.test(value) ? value : `${scheme}:${value}`;
  card.kept.push(['impp', params, 'uri', uri]);
}

const PHONETIC: Record<string, string> = {
  first: 'x-phonetic-first-name',
  middle: 'x-phonetic-middle-name',
  last: 'x-phonetic-last-name',
};

/** Keeps a phonetic name part (Google's `Phonetic First Name`, Outlook's `Given Yomi`…). */
export function keepPhonetic(card: Card, part: 'first' | 'middle' | 'last', value: string): void {
  if (value !== '') card.kept.push([PHONETIC[part]!, {}, 'text', value]);
}

/** Keeps a labelled value no field models (Google's `Custom Field N`, any other column by its name). */
export function keepCustom(card: Card, label: string, value: string): void {
  const params = label.trim() === '' ? {} : { 'x-label': label.trim() };
  card.kept.push(['x-custom-field', params, 'text', value]);
}

/** Keeps a value a field could not hold (`email` that is no address, `bday` that is no date) as its property. */
export function keepInvalid(card: Card, name: string, params: KeptProperty[1], value: string): void {
  card.kept.push([name, params, 'text', value]);
}
