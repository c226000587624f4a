import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Card } from '../../../src/lib/card.js';
import { readCards, writeVCard } from '../../../src/lib/vcard/index.js';
import { richCard } from './rich-card.js';

// Debian's python3-vobject, a vCard library no one here wrote; it runs on the system Python.
const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./vobject-check.py', import.meta.url));
const hasVobject = spawnSync(PYTHON, ['-c', 'import vobject'], { timeout: 10_000 }).status === 0;

function fixtureCards(): Card[] {
  const names = [
    'iphone.vcf',
    'android-2.1.vcf',
    'google.vcf',
    'outlook-2.1.vcf',
    'thunderbird-4.0.vcf',
    'nextcloud-4.0.vcf',
  ];
  return names.flatMap((name) =>
    readCards(readFileSync(new URL(`../../fixtures/vcard/${name}`, import.meta.url), 'utf8')).flatMap((r) =>
      'card' in r ? [r.card] : [],
    ),
  );
}

interface Parsed {
  fn: string | null;
  version: string;
  tel: string[];
  email: string[];
  n: [string, string] | null;
}

function vobjectParse(text: string): Parsed[] {
  const run = spawnSync(PYTHON, [SCRIPT], { input: text, encoding: 'utf8', timeout: 30_000 });
  if (run.status !== 0) throw new Error(`vobject failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as Parsed[];
}

const TITLE = hasVobject
  ? 'python3-vobject parses what the writer emits'
  : `skipped: ${PYTHON} cannot import vobject (install Debian's python3-vobject)`;

describe.skipIf(!hasVobject)(TITLE, () => {
  it.each(['3.0', '4.0'] as const)('every card in vCard %s', (version) => {
    const cards = [richCard(), ...fixtureCards()];
    const parsed = vobjectParse(cards.map((card) => writeVCard(card, version)).join(''));
    expect(parsed).toHaveLength(cards.length);
    parsed.forEach((result, i) => {
      const card = cards[i]!;
      expect(result.version).toBe(version);
      if (card.displayName !== null) expect(result.fn).toBe(card.displayName);
      expect(result.email).toEqual(card.emails.map((e) => e.value));
      // Phones the card model could not hold (an extension) come after, from the kept properties.
      expect(result.tel.slice(0, card.phones.length)).toEqual(card.phones.map((p) => p.value));
      if (card.familyName !== null) expect(result.n).toEqual([card.familyName, card.givenName ?? '']);
    });
  });
});
