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
 * request; entries carry a short TTL so a deletion lost while Redis was away cannot outlive it for long.
 */
export class RedisCache implements KeyValueCache {
  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'cache:',
  ) {}

  async get(key: string) {
    try {
      return (await this.redis.get(this.prefix + key)) ?? undefined;
    } catch {
      return undefined;
    }
  }

  async set(key: string, value: string, ttlSeconds: number) {
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
      // See the class comment: the TTL bounds how long a missed deletion can matter.
    }
  }
}
