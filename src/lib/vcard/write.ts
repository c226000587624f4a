import type { Card, CardPhoto, KeptProperty } from '../card.js';
import { convertProperties, type Version } from './convert.js';
import { type ListKind, labelToVCard } from './labels.js';
import { freeGroup, groupOf } from './props.js';
import { PRODID, serializeCard } from './serialize.js';
import { deriveUid } from './uid.js';

/** FN when the card has none, as the contract derives it: names, else organization, email, phone. */
export function deriveDisplayName(card: Card): string {
  const name = [card.givenName, card.familyName]
    .filter((part) => part !== null && part.trim() !== '')
    .join(' ');
  return name || card.organization || card.emails[0]?.value || card.phones[0]?.value || '';
}

function photoProperty(photo: CardPhoto): KeptProperty {
  if (photo.kind === 'uri') return ['photo', {}, 'uri', photo.uri];
  return ['photo', {}, 'uri', `data:${photo.mediaType};base64,${Buffer.from(photo.data).toString('base64')}`];
}

/**
 * The card as jCard (vCard 4.0) properties, without VERSION: the fields, then what was kept. Labels
 * TYPE cannot say go into Apple item groups named so as not to clash with the kept properties' groups.
 */
export function cardProperties(card: Card, version: Version = '4.0'): KeptProperty[] {
  const props: KeptProperty[] = [];
  const taken = new Set(card.kept.map(groupOf).filter((group) => group !== null));
  const text = (name: string, value: string | null): void => {
    if (value !== null) props.push([name, {}, 'text', value]);
  };
  const entry = (
    kind: ListKind,
    name: string,
    type: string,
    value: unknown,
    label: string | null,
    primary: boolean,
  ): void => {
    const written = labelToVCard(kind, label);
    const params: Record<string, unknown> = {};
    if ('appleLabel' in written) params.group = freeGroup([], taken);
    else if (written.types.length > 0)
      params.type = written.types.length === 1 ? written.types[0] : written.types;
    if (primary) params.pref = '1';
    props.push([name, params, type, value]);
    if ('appleLabel' in written)
      props.push(['x-ablabel', { group: params.group }, 'unknown', written.appleLabel]);
  };

  props.push(['uid', {}, 'text', card.uid ?? deriveUid(card)]);
  props.push(['fn', {}, 'text', card.displayName ?? deriveDisplayName(card)]);
  const n = [card.familyName, card.givenName, card.middleName, card.namePrefix, card.nameSuffix];
  if (version === '3.0' || n.some((part) => part !== null))
    props.push(['n', {}, 'text', n.map((part) => part ?? '')]);
  text('nickname', card.nickname);
  if (card.organization !== null || card.department !== null) {
    const org = card.department === null ? card.organization : [card.organization ?? '', card.department];
    props.push(['org', {}, 'text', org]);
  }
  text('title', card.jobTitle);
  for (const email of card.emails) entry('email', 'email', 'text', email.value, email.type, email.primary);
  for (const phone of card.phones) entry('tel', 'tel', 'text', phone.value, phone.type, phone.primary);
  for (const a of card.addresses) {
    const adr = [a.poBox, a.extended, a.street, a.locality, a.region, a.postalCode, a.country].map(
      (part) => part ?? '',
    );
    entry('adr', 'adr', 'text', adr, a.type, a.primary);
  }
  for (const url of card.urls) entry('url', 'url', 'uri', url.value, url.type, false);
  if (card.birthday !== null) props.push(['bday', {}, 'date-and-or-time', card.birthday]);
  text('note', card.note);
  if (card.groups.length > 0) props.push(['categories', {}, 'text', ...card.groups]);
  if (card.photo !== null) props.push(photoProperty(card.photo));
  return [...props, ...card.kept];
}

/**
 * The card as vCard 3.0 or 4.0 text: CRLF line ends, folded at 75 octets, escaped; UID, FN and
 * PRODID always present; kept properties converted to the version asked for.
 */
export function writeVCard(card: Card, version: Version, prodId: string = PRODID): string {
  const props = cardProperties(card, version);
  return serializeCard(version === '4.0' ? props : convertProperties(props, '3.0'), version, prodId);
}

/** The card as jCard (RFC 7095): `["vcard", [["version", {}, "text", "4.0"], ...], []]`. */
export function writeJCard(card: Card): ['vcard', KeptProperty[], []] {
  return ['vcard', [['version', {}, 'text', '4.0'], ...cardProperties(card, '4.0')], []];
}
