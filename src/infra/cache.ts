import { LRUCache } from 'lru-cache';
import type { UserRow } from '../database/schema/index.js';

/**
 * A process-local copy of the session → user lookup, PostgreSQL being the truth. Revocation must be
 * immediate, so every implementation answers one question: can this process learn of every
 * revocation at once? If it cannot, it must not serve from memory.
 *
 * The refill race (read the database → a revocation drops the entry → the reader stores what it read)
 * is closed by `version()`: the caller takes it before reading the database and hands it to `set`,
 * which stores nothing if any invalidation (or a loss of the invalidation channel) happened since.
 */
export interface SessionCache {
  /** The user behind a live session, or undefined (not cached, or the cache cannot be trusted now). */
  get(sessionId: string): UserRow | undefined;
  /** The invalidation counter; take it before the database read whose result goes to `set`. */
  version(): number;
  /** Stores a lookup read after `version` was taken, unless something was invalidated since. */
  set(sessionId: string, user: UserRow, version: number, expiresAt: Date): void;
  /**
   * Drops these sessions here and on every other process; resolves once the others are told, with
   * false when they could not be (Redis unreachable from here: see RedisSessionCache).
   */
  invalidateSessions(sessionIds: string[]): Promise<boolean>;
  /** Drops every session of a user (role, status, password, avatar, deletion); the same answer. */
  invalidateUser(userId: number): Promise<boolean>;
  close(): Promise<void>;
}

// Short: the last line of defence should an invalidation be lost (see RedisSessionCache).
export const SESSION_CACHE_TTL_MS = 60_000;

/**
 * The memory half: entries by session, an index by user, and the invalidation counter. Used alone
 * where this process makes every change itself (the embedded database is opened by one process).
 */
export class LocalSessionCache implements SessionCache {
  private readonly entries = new LRUCache<string, UserRow>({
    max: 50_000,
    ttlAutopurge: false,
    dispose: (user, sessionId) => this.unindex(user.id, sessionId),
  });
  private readonly byUser = new Map<number, Set<string>>();
  private counter = 0;

  get(sessionId: string): UserRow | undefined {
    return this.entries.get(sessionId);
  }

  version(): number {
    return this.counter;
  }

  set(sessionId: string, user: UserRow, version: number, expiresAt: Date): void {
    if (version !== this.counter) return;
    const ttl = Math.min(SESSION_CACHE_TTL_MS, expiresAt.getTime() - Date.now());
    if (ttl <= 0) return;
    this.entries.set(sessionId, user, { ttl });
    const sessions = this.byUser.get(user.id) ?? new Set<string>();
    sessions.add(sessionId);
    this.byUser.set(user.id, sessions);
  }

  async invalidateSessions(sessionIds: string[]): Promise<boolean> {
    this.dropSessions(sessionIds);
    return true;
  }

  async invalidateUser(userId: number): Promise<boolean> {
    this.dropUser(userId);
    return true;
  }

  async close(): Promise<void> {
    this.clear();
  }

  /** Applies an invalidation (local, or received from another process). */
  dropSessions(sessionIds: string[]): void {
    this.counter += 1;
    for (const id of sessionIds) this.entries.delete(id);
  }

  dropUser(userId: number): void {
    this.counter += 1;
    for (const id of [...(this.byUser.get(userId) ?? [])]) this.entries.delete(id);
  }

  /** Forgets everything, and refuses every lookup that was in flight. */
  clear(): void {
    this.counter += 1;
    this.entries.clear();
  }

  private unindex(userId: number, sessionId: string) {
    const sessions = this.byUser.get(userId);
    sessions?.delete(sessionId);
    if (sessions?.size === 0) this.byUser.delete(userId);
  }
}

/**
 * No cache: every request reads the database. For PostgreSQL without Redis, where other processes
 * (cluster workers, other instances, the CLI) change sessions and users with no way to tell this one.
 */
export class NoSessionCache implements SessionCache {
  get(): undefined {
    return undefined;
  }
  version(): number {
    return 0;
  }
  set(): void {}
  async invalidateSessions(): Promise<boolean> {
    return true;
  }
  async invalidateUser(): Promise<boolean> {
    return true;
  }
  async close(): Promise<void> {}
}
