import {
  type Card,
  type CardAddress,
  type CardValue,
  emptyCard,
  type KeptProperty,
  type ReadCard,
} from '../card.js';
import { isCardDate } from './dates.js';
import { type ListKind, labelFromApple, labelFromTypes } from './labels.js';
import { firstText, groupOf, paramValues } from './props.js';
import { component, components, emailValue, phoneValue, photoValue, prefRank, texts } from './read-values.js';

// Single-valued properties: the first is the field, any other is kept.
const SINGLE = new Set(['fn', 'n', 'nickname', 'org', 'title', 'note', 'bday', 'uid', 'photo']);
// Parameters a list entry's fields carry (or that only matter to sync bookkeeping).
const UNDERSTOOD = new Set(['type', 'pref', 'group', 'pid', 'altid', 'label', 'value']);
const GOOGLE_SYSTEM_GROUP = 'myContacts';

interface Mapping {
  card: Card;
  warnings: string[];
}

/** Maps jCard (vCard 4.0) properties onto the card model; what no field holds goes to `kept`. */
export function cardFromProperties(properties: KeptProperty[]): Mapping {
  const card = emptyCard();
  const warnings: string[] = [];
  const used = new Set<KeptProperty>();
  const seen = new Set<string>();
  const labels = new Map<string, KeptProperty>();
  for (const p of properties) {
    const group = groupOf(p);
    if (p[0] === 'x-ablabel' && group && !labels.has(group)) labels.set(group, p);
  }
  const ranked: Record<'emails' | 'phones' | 'addresses', { entry: { primary: boolean }; rank: number }[]> = {
    emails: [],
    phones: [],
    addresses: [],
  };
  const labelOf = (p: KeptProperty, kind: ListKind): string | null => {
    const group = groupOf(p);
    const label = group ? labels.get(group) : undefined;
    if (label) {
      used.add(label);
      return labelFromApple(firstText(label));
    }
    return labelFromTypes(kind, paramValues(p[1], 'type'));
  };
  const dropped = (p: KeptProperty): void => {
    for (const key of Object.keys(p[1])) {
      if (!UNDERSTOOD.has(key))
        warnings.push(`${p[0].toUpperCase()} parameter ${key.toUpperCase()} was not kept`);
    }
  };
  const refuse = (p: KeptProperty, why: string): void => {
    warnings.push(`${p[0].toUpperCase()} kept as a property: ${why}`);
  };

  for (const p of properties) {
    const name = p[0].toLowerCase();
    if (name === 'version' || name === 'prodid') {
      used.add(p);
      continue;
    }
    if (SINGLE.has(name) && seen.has(name)) continue;
    let taken = true;
    switch (name) {
      case 'fn':
        card.displayName = component(p[3]);
        break;
      case 'n': {
        const [family, given, middle, prefix, suffix] = components(p, 5);
        card.familyName = family ?? null;
        card.givenName = given ?? null;
        card.middleName = middle ?? null;
        card.namePrefix = prefix ?? null;
        card.nameSuffix = suffix ?? null;
        break;
      }
      case 'nickname':
        card.nickname = component(
          texts(p)
            .map((t) => t.trim())
            .filter(Boolean)
            .join(', '),
        );
        break;
      case 'org': {
        const [organization, ...units] = Array.isArray(p[3]) ? p[3].map(component) : [component(p[3])];
        card.organization = organization ?? null;
        card.department = units.filter((u) => u !== null).join(';') || null;
        break;
      }
      case 'title':
        card.jobTitle = component(p[3]);
        break;
      case 'note':
        card.note = texts(p).join(',') || null;
        break;
      case 'uid':
        card.uid = component(p[3]);
        break;
      case 'bday': {
        const value = firstText(p).trim();
        taken = isCardDate(value);
        if (taken) card.birthday = value;
        else refuse(p, `not a date: ${value.slice(0, 40)}`);
        break;
      }
      case 'photo':
        card.photo = photoValue(p);
        taken = card.photo !== null;
        if (!taken) refuse(p, 'not an image or a link');
        break;
      case 'categories':
        for (const group of texts(p).map((t) => t.trim())) {
          if (group !== '' && group !== GOOGLE_SYSTEM_GROUP && !card.groups.includes(group))
            card.groups.push(group);
        }
        break;
      case 'email':
      case 'tel': {
        const value = name === 'email' ? emailValue(p) : phoneValue(p);
        taken = value !== null;
        if (!taken) {
          refuse(
            p,
            name === 'email'
              ? `not an email address: ${firstText(p).slice(0, 60)}`
              : `not a phone number field: ${firstText(p).slice(0, 60)}`,
          );
          break;
        }
        const entry: CardValue = { value: value!, type: labelOf(p, name), primary: false };
        (name === 'email' ? card.emails : card.phones).push(entry);
        ranked[name === 'email' ? 'emails' : 'phones'].push({ entry, rank: prefRank(p) });
        dropped(p);
        break;
      }
      case 'adr': {
        const [poBox, extended, street, locality, region, postalCode, country] = components(p, 7);
        const address: CardAddress = {
          type: labelOf(p, 'adr'),
          street: street ?? null,
          locality: locality ?? null,
          region: region ?? null,
          postalCode: postalCode ?? null,
          country: country ?? null,
          poBox: poBox ?? null,
          extended: extended ?? null,
          primary: false,
        };
        taken = Object.entries(address).some(([key, v]) => key !== 'type' && key !== 'primary' && v !== null);
        if (!taken) break;
        card.addresses.push(address);
        ranked.addresses.push({ entry: address, rank: prefRank(p) });
        dropped(p);
        break;
      }
      case 'url': {
        const value = component(p[3]);
        taken = value !== null;
        if (taken) card.urls.push({ value: value!, type: labelOf(p, 'url') });
        break;
      }
      default:
        taken = false;
    }
    if (taken) {
      used.add(p);
      seen.add(name);
    }
  }
  for (const list of Object.values(ranked)) {
    const best = list.reduce<(typeof list)[number] | null>(
      (top, item) => (item.rank < (top?.rank ?? Number.POSITIVE_INFINITY) ? item : top),
      null,
    );
    if (best) best.entry.primary = true;
  }
  card.kept = properties.filter((p) => !used.has(p));
  return { card, warnings };
}

/** Adds the checks on the whole card: a name, an email or a phone. */
export function finish(mapping: Mapping, index: number, line: number, warnings: string[]): ReadCard {
  const { card } = mapping;
  const named =
    card.displayName !== null ||
    card.givenName !== null ||
    card.familyName !== null ||
    card.middleName !== null ||
    card.organization !== null;
  const reachable = card.emails.length > 0 || card.phones.length > 0;
  if (!named && !reachable) return { index, line, error: 'card has no name, email or phone' };
  const all = [...warnings, ...mapping.warnings];
  if (!named) all.push('card has no name (FN, N or ORG)');
  return { index, line, card, warnings: all };
}
