import type { Redis } from 'ioredis';
import type { UserRow } from '../database/schema/index.js';
import { LocalSessionCache, NoSessionCache, type SessionCache } from './cache.js';

/** How often the subscriber connection proves it is alive, and how old that proof may be. */
export const HEARTBEAT_MS = 500;
export const LIVENESS_MS = 1500;

const CHANNEL = 'session-invalidation';
const ALL = '*';

/**
 * The process-local session cache of several instances on PostgreSQL + Redis. Every revocation is
 * applied here and published on a Redis channel that every instance subscribes to; an instance
 * serves from memory only while it is provably subscribed: its subscriber connection is up, the
 * subscription confirmed, and a PING answered on that connection within LIVENESS_MS (a connection
 * that died silently — a black-holed network — is noticed within that bound). The moment any of it
 * fails the memory is dropped, lookups go to PostgreSQL, and the cache refills only after a new
 * confirmed subscription. A publish that fails (this instance cannot reach Redis) is followed, once
 * Redis answers again, by a "forget everything" message, so the others cannot keep a stale entry
 * past the entries' short TTL even then.
 */
export class RedisSessionCache implements SessionCache {
  private readonly local = new LocalSessionCache();
  private readonly subscriber: Redis;
  private readonly channel: string;
  private readonly heartbeat: NodeJS.Timeout;
  /** The subscription is confirmed on the current connection. */
  private subscribed = false;
  /** True between a confirmed subscription (or a PING answered after it) and the first sign of trouble. */
  private live = false;
  private aliveAt = 0;
  /** A publish failed: the others must forget everything once Redis is back. */
  private missedPublish = false;
  private closed = false;

  constructor(private readonly redis: Redis) {
    // The key prefix (tests' isolation) does not apply to channel names, so it is part of the name.
    this.channel = `${redis.options.keyPrefix ?? ''}${CHANNEL}`;
    // Its own connection (a subscribed one can do nothing else), without auto-pipelining: PINGs must
    // go out at once, not batched behind an immediate.
    this.subscriber = redis.duplicate({ enableAutoPipelining: false });
    this.subscriber.on('error', () => {});
    this.subscriber.on('ready', () => {
      void this.subscribe();
    });
    for (const event of ['close', 'end', 'reconnecting']) this.subscriber.on(event, () => this.down());
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.apply(message);
    });
    this.heartbeat = setInterval(() => void this.ping(), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** True while entries may be served (exposed for health checks and tests). */
  get serving(): boolean {
    return this.live && Date.now() - this.aliveAt <= LIVENESS_MS;
  }

  get(sessionId: string): UserRow | undefined {
    return this.serving ? this.local.get(sessionId) : undefined;
  }

  version(): number {
    return this.local.version();
  }

  set(sessionId: string, user: UserRow, version: number, expiresAt: Date): void {
    if (this.serving) this.local.set(sessionId, user, version, expiresAt);
  }

  async invalidateSessions(sessionIds: string[]): Promise<boolean> {
    if (sessionIds.length === 0) return true;
    this.local.dropSessions(sessionIds);
    return this.publish(`s:${sessionIds.join(',')}`);
  }

  async invalidateUser(userId: number): Promise<boolean> {
    this.local.dropUser(userId);
    return this.publish(`u:${userId}`);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    this.down();
    this.subscriber.disconnect();
  }

  private apply(message: string) {
    if (message === ALL) this.local.clear();
    else if (message.startsWith('u:')) this.local.dropUser(Number(message.slice(2)));
    else if (message.startsWith('s:')) this.local.dropSessions(message.slice(2).split(','));
    // Anything else (a newer version's message) is unknown: forgetting everything is always safe.
    else this.local.clear();
  }

  private async publish(message: string): Promise<boolean> {
    try {
      await this.redis.publish(this.channel, message);
      return true;
    } catch {
      this.missedPublish = true;
      return false;
    }
  }

  private async subscribe() {
    try {
      await this.subscriber.subscribe(this.channel);
    } catch {
      return; // The connection went again; the next 'ready' retries.
    }
    if (this.closed || this.subscriber.status !== 'ready') return;
    // Whatever was published while this process was not listening is unknown: start empty.
    this.local.clear();
    this.subscribed = true;
    this.live = true;
    this.aliveAt = Date.now();
    await this.flushOthersIfMissed();
  }

  private async ping() {
    if (this.subscriber.status !== 'ready') return this.down();
    if (!this.subscribed) return this.subscribe();
    try {
      await this.subscriber.ping();
      // A reply on the same connection: every message published before it has been delivered.
      if (!this.live) this.local.clear();
      this.live = this.subscribed && !this.closed;
      this.aliveAt = Date.now();
      await this.flushOthersIfMissed();
    } catch {
      this.down();
    }
  }

  private async flushOthersIfMissed() {
    if (!this.missedPublish) return;
    this.missedPublish = false;
    await this.publish(ALL);
  }

  private down() {
    if (this.live) this.local.clear();
    this.live = false;
    this.subscribed = false;
  }
}

/**
 * The session cache a configuration can keep correct. The embedded database is opened by one process
 * only (DATA_DIR is locked), so every change passes through this process: a plain memory cache.
 * PostgreSQL with Redis: memory that Redis invalidates. PostgreSQL without Redis: other processes
 * (cluster workers, other instances, the CLI) change sessions unseen, so no cache — PostgreSQL answers.
 */
export function createSessionCache(databaseUrl: string | undefined, redis: Redis | undefined): SessionCache {
  if (!databaseUrl) return new LocalSessionCache();
  return redis ? new RedisSessionCache(redis) : new NoSessionCache();
}
