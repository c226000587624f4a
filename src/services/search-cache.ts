import { LRUCache } from 'lru-cache';
import type { RankedIds } from '../repository/contacts-repository.js';

/** How many ranked ids a search keeps: the largest page (limit ≤ 1000) from the start. */
export const RANKED_IDS_KEPT = 1000;

interface Entry {
  version: string;
  total: number;
  ids: Int32Array;
}

/**
 * The first ranked ids and the match count of recent searches, per user and query, stamped with the
 * book version they were computed at. Ranking and counting every match is the cost of a search
 * (8 500 matches of "mari" in a 100 000-contact book); a page of an unchanged book is then a version
 * check and a primary-key fetch in one statement. Never trusted without that check: any insert,
 * update or delete in the book raises the version (a trigger, in the same transaction), so a stale
 * entry is recomputed, on every instance, with no invalidation messages. Process-local and bounded
 * (about 1 MB of ids).
 */
export class SearchResultCache {
  private readonly entries = new LRUCache<string, Entry>({
    max: 5000,
    maxSize: 250_000,
    sizeCalculation: (entry) => entry.ids.length + 1,
  });

  private static key(userId: number, terms: string[]): string {
    // Terms are folded text without control characters (foldCase), so "\n" cannot occur inside one.
    return `${userId}\n${terms.join('\n')}`;
  }

  /** The ids of a page and the entry's version and total, when the entry covers the page. */
  pageOf(
    userId: number,
    terms: string[],
    skip: number,
    limit: number,
  ): { ids: number[]; version: string; total: number } | undefined {
    const entry = this.entries.get(SearchResultCache.key(userId, terms));
    if (!entry || !covers(entry, skip + limit)) return undefined;
    return { ids: [...entry.ids.subarray(skip, skip + limit)], version: entry.version, total: entry.total };
  }

  remember(userId: number, terms: string[], ranked: RankedIds): void {
    this.entries.set(SearchResultCache.key(userId, terms), {
      version: ranked.version,
      total: ranked.total,
      ids: Int32Array.from(ranked.ids),
    });
  }
}

/** The kept ids hold the page: it ends within them, or they are every match there is. */
export function covers(ranked: { ids: ArrayLike<number>; total: number }, end: number): boolean {
  return end <= ranked.ids.length || ranked.ids.length >= ranked.total;
}
