import ICAL from 'ical.js';
import type { KeptProperty } from '../card.js';
import { prepass, TEXT_BDAY } from './prepass.js';

const textBday = TEXT_BDAY.toLowerCase();

/** A card parsed into jCard properties, in the version it was written in (2.1 read as 3.0). */
export type Parsed =
  | {
      ok: true;
      version: '3.0' | '4.0';
      sourceVersion: '2.1' | '3.0' | '4.0';
      properties: KeptProperty[];
      warnings: string[];
    }
  | { ok: false; error: string };

/**
 * Parses one card's text with ical.js after the pre-pass. Never throws: a card ical.js refuses
 * comes back with a short reason (its first 120 characters, which name the offending line).
 */
export function parseCard(text: string): Parsed {
  const pre = prepass(text);
  let jcard: unknown;
  try {
    jcard = ICAL.parse(pre.text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, error: `cannot parse the card: ${reason.replace(/\s+/g, ' ').slice(0, 120)}` };
  }
  if (!Array.isArray(jcard) || jcard[0] !== 'vcard' || !Array.isArray(jcard[1])) {
    return { ok: false, error: 'cannot parse the card: not a vCard' };
  }
  return {
    ok: true,
    version: pre.version === '4.0' ? '4.0' : '3.0',
    sourceVersion: pre.version,
    properties: (jcard[1] as KeptProperty[]).map((p) =>
      p[0] === textBday ? ['bday', p[1], 'text', ...p.slice(3)] : p,
    ),
    warnings: pre.warnings,
  };
}
