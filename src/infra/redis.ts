import { Redis } from 'ioredis';

/**
 * Opens the shared Redis connection. `enableOfflineQueue: false` makes every command fail at once
 * while Redis is away (callers fall back to memory or the database) instead of queueing requests
 * behind a dead connection; ioredis keeps reconnecting in the background by itself.
 */
export function createRedis(url: string, keyPrefix?: string): Redis {
  const redis = new Redis(url, {
    ...(keyPrefix ? { keyPrefix } : {}),
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 1000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    // Commands issued in the same tick (concurrent requests' cache reads) go out in one write.
    enableAutoPipelining: true,
  });
  // Without a listener ioredis reports connection errors as unhandled; health and callers handle them.
  redis.on('error', () => {});
  return redis;
}

/** True when Redis answers PING within the timeout. */
export async function pingRedis(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status !== 'ready') return false;
  let timer: NodeJS.Timeout | undefined;
  try {
    const pong = await Promise.race([
      redis.ping(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('redis ping timed out')), timeoutMs);
      }),
    ]);
    return pong === 'PONG';
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits (briefly) for the first connection, so an instance that has just started reports Redis as it
 * is rather than "still connecting". Never fails: without Redis the service runs on its fallbacks.
 */
export async function waitForRedis(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return true;
  return new Promise((resolve) => {
    const done = (ready: boolean) => {
      clearTimeout(timer);
      redis.off('ready', onReady);
      resolve(ready);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    redis.once('ready', onReady);
  });
}
