import type { Card, KeptProperty } from '../card.js';
import { formatLabel } from './values.js';

/** One entry of a numbered column group, by part name (`Label`, `Value`, `Service`…). */
export type Entry = Record<string, string>;

/** What a card's kept properties put in Google's columns. */
export interface KeptColumns {
  phonetic: { first: string; middle: string; last: string };
  events: Entry[];
  relations: Entry[];
  ims: Entry[];
  customs: Entry[];
  /** Values a field refused on import (kept EMAIL / TEL / text BDAY): written back where they came from. */
  emails: Entry[];
  phones: Entry[];
  birthdays: string[];
}

function param(prop: KeptProperty, name: string): string {
  const value = prop[1][name];
  if (Array.isArray(value)) return value.map(String).join(',');
  return typeof value === 'string' ? value : '';
}

function flatten(value: unknown): string {
  return Array.isArray(value) ? value.map(flatten).join(';') : String(value ?? '');
}

function propText(prop: KeptProperty): string {
  return prop.slice(3).map(flatten).join(',');
}

/** Apple's standard labels are written `_$!<Anniversary>!$_`; the user's own are plain. */
function appleLabel(label: string): string {
  return /^_\$!<(.*)>!\$_$/.exec(label)?.[1] ?? label;
}

const IM_SERVICES: Record<string, string> = {
  aim: 'AIM',
  xmpp: 'Jabber',
  icq: 'ICQ',
  msnim: 'MSN',
  qq: 'QQ',
  skype: 'Skype',
  ymsgr: 'Yahoo',
};
// vCard 3.0's per-service IM properties (Apple, Evolution, Thunderbird).
const OLD_IM: Record<string, string> = {
  'x-aim': 'AIM',
  'x-jabber': 'Jabber',
  'x-icq': 'ICQ',
  'x-msn': 'MSN',
  'x-qq': 'QQ',
  'x-skype': 'Skype',
  'x-skype-username': 'Skype',
  'x-yahoo': 'Yahoo',
  'x-google-talk': 'Google Talk',
  'x-gtalk': 'Google Talk',
};

function imEntry(prop: KeptProperty): Entry {
  const uri = propText(prop);
  const scheme = /^([a-z][a-z0-9+.-]*):(.*)$/i.exec(uri);
  const known = scheme && (IM_SERVICES[scheme[1]!.toLowerCase()] || scheme[1]!.toLowerCase() === 'x-apple');
  return {
    Label: formatLabel(param(prop, 'type') || null),
    Service: param(prop, 'x-service-type') || (scheme ? (IM_SERVICES[scheme[1]!.toLowerCase()] ?? '') : ''),
    Value: known && scheme ? scheme[2]! : uri,
  };
}

/**
 * Sorts a card's kept properties into Google's columns: phonetic names, events (ANNIVERSARY, Apple's
 * X-ABDATE with its X-ABLabel), relations (RELATED, X-ABRELATEDNAMES), IM (IMPP and vCard 3.0's X-AIM…),
 * custom fields, and anything else as a custom field labelled with the property name, so nothing is dropped.
 */
export function keptColumns(card: Card): KeptColumns {
  const out: KeptColumns = {
    phonetic: { first: '', middle: '', last: '' },
    events: [],
    relations: [],
    ims: [],
    customs: [],
    emails: [],
    phones: [],
    birthdays: [],
  };
  const labels = new Map<string, string>();
  for (const prop of card.kept) {
    if (prop[0] === 'x-ablabel' && param(prop, 'group'))
      labels.set(param(prop, 'group'), appleLabel(propText(prop)));
  }
  const labelOf = (prop: KeptProperty) => labels.get(param(prop, 'group')) ?? '';
  for (const prop of card.kept) {
    const name = prop[0].toLowerCase();
    const value = propText(prop);
    const type = formatLabel(param(prop, 'type') || null);
    if (name === 'x-phonetic-first-name') out.phonetic.first ||= value;
    else if (name === 'x-phonetic-middle-name') out.phonetic.middle ||= value;
    else if (name === 'x-phonetic-last-name') out.phonetic.last ||= value;
    else if (name === 'anniversary' || name === 'x-anniversary')
      out.events.push({ Label: 'Anniversary', Value: value });
    else if (name === 'x-abdate') out.events.push({ Label: labelOf(prop), Value: value });
    else if (name === 'related') out.relations.push({ Label: type, Value: value });
    else if (name === 'x-abrelatednames') out.relations.push({ Label: labelOf(prop), Value: value });
    else if (name === 'impp') out.ims.push(imEntry(prop));
    else if (OLD_IM[name]) out.ims.push({ Label: type, Service: OLD_IM[name], Value: value });
    else if (name === 'x-custom-field') out.customs.push({ Label: param(prop, 'x-label'), Value: value });
    else if (name === 'email') out.emails.push({ Label: type, Value: value });
    else if (name === 'tel') out.phones.push({ Label: type, Value: value });
    else if (name === 'bday') out.birthdays.push(value);
    else if (name !== 'x-ablabel') out.customs.push({ Label: prop[0].toUpperCase(), Value: value });
  }
  return out;
}
