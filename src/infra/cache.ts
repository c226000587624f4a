import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';

/** A small string cache with expiry: in memory for one process, in Redis when instances share it. */
export interface KeyValueCache {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  delete(keys: string[]): Promise<void>;
}

export class MemoryCache implements KeyValueCache {
  private readonly entries = new LRUCache<string, string>({ max: 50_000, ttlAutopurge: false });

  async get(key: string) {
    return this.entries.get(key);
  }

  async set(key: string, value: string, ttlSeconds: number) {
    this.entries.set(key, value, { ttl: ttlSeconds * 1000 });
  }

  async delete(keys: string[]) {
    for (const key of keys) this.entries.delete(key);
  }
}

/**
 * Redis-backed cache. A Redis failure is a cache miss (the caller reads the database), never a failed
 * request. A deletion that fails while Redis is away (a logout, a role change) is remembered and
 * replayed as soon as Redis is back — Redis may have kept the entry — and until then that key is
 * never read from Redis. Entries also carry a short TTL, the last line of defence.
 */
export class RedisCache implements KeyValueCache {
  /** Keys whose deletion failed; bounded, and cleared by the replay. */
  private readonly pendingDeletions = new Set<string>();
  private static readonly MAX_PENDING = 100_000;

  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'cache:',
  ) {
    redis.on('ready', () => {
      void this.replayDeletions();
    });
  }

  async get(key: string) {
    if (this.pendingDeletions.has(key)) return undefined;
    try {
      return (await this.redis.get(this.prefix + key)) ?? undefined;
    } catch {
      return undefined;
    }
  }

  async set(key: string, value: string, ttlSeconds: number) {
    if (this.pendingDeletions.has(key)) return;
    try {
      await this.redis.set(this.prefix + key, value, 'EX', ttlSeconds);
    } catch {
      // A cache that cannot be written is only slower.
    }
  }

  async delete(keys: string[]) {
    if (keys.length === 0) return;
    try {
      await this.redis.del(...keys.map((key) => this.prefix + key));
    } catch {
      for (const key of keys) {
        if (this.pendingDeletions.size < RedisCache.MAX_PENDING) this.pendingDeletions.add(key);
      }
    }
  }

  /** Replays the deletions that failed while Redis was unreachable. */
  private async replayDeletions() {
    const keys = [...this.pendingDeletions];
    if (keys.length === 0) return;
    try {
      await this.redis.del(...keys.map((key) => this.prefix + key));
      for (const key of keys) this.pendingDeletions.delete(key);
    } catch {
      // Still unreachable: the next 'ready' tries again.
    }
  }
}
