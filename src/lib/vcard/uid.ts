import { createHash } from 'node:crypto';
import type { Card } from '../card.js';

// The UUID namespace of card UIDs derived by this service (a fixed random UUID).
const NAMESPACE = Buffer.from('6f1c2a94d3b84e0f9a5e1b7c2d8e4f60', 'hex');

/** Canonical JSON: object keys sorted, photo bytes as base64, so equal cards give equal text. */
function canonical(value: unknown): string {
  if (value instanceof Uint8Array) return JSON.stringify(Buffer.from(value).toString('base64'));
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * A UID derived from a card's content (a name-based UUID, version 5): the same card gives the same
 * UID, so importing a file of cards without UIDs twice creates nothing the second time.
 */
export function deriveUid(card: Card): string {
  const hash = createHash('sha1')
    .update(NAMESPACE)
    .update(canonical({ ...card, uid: null }))
    .digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
