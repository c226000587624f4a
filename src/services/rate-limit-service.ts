import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { Config, RateLimitName } from '../config/config.js';
import { AppError } from '../errors.js';

type Limiter = RateLimiterMemory | RateLimiterRedis;

/**
 * Fixed-window limits per route family. With Redis the counters are shared by every instance; each
 * Redis limiter has an in-memory "insurance" limiter, so when Redis goes away the limits are still
 * enforced per process instead of failing the request.
 */
export class RateLimitService {
  private readonly limiters = new Map<RateLimitName, Limiter>();

  constructor(
    private readonly config: Pick<Config, 'rateLimitEnabled' | 'rateLimits'>,
    redis?: Redis,
    /** Told about every refusal (metrics). */
    private readonly onReject?: (name: RateLimitName) => void,
  ) {
    for (const [name, spec] of Object.entries(config.rateLimits) as [
      RateLimitName,
      Config['rateLimits']['default'],
    ][]) {
      const options = { keyPrefix: `rl:${name}`, points: spec.points, duration: spec.durationSeconds };
      this.limiters.set(
        name,
        redis
          ? new RateLimiterRedis({
              ...options,
              storeClient: redis,
              rejectIfRedisNotReady: true,
              insuranceLimiter: new RateLimiterMemory(options),
            })
          : new RateLimiterMemory(options),
      );
    }
  }

  /** Counts one request of `key` (an IP or a user id) against `name`; throws 429 when over the limit. */
  async consume(name: RateLimitName, key: string): Promise<void> {
    if (!this.config.rateLimitEnabled) return;
    try {
      await this.limiters.get(name)!.consume(key);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      throw this.rejected(name, rejection.msBeforeNext);
    }
  }

  /** Throws 429 when `key` has used up `name`, without counting anything (a failure counter's gate). */
  async assertNotExhausted(name: RateLimitName, key: string): Promise<void> {
    if (!this.config.rateLimitEnabled) return;
    const limiter = this.limiters.get(name)!;
    const state = await limiter.get(key);
    if (state && state.consumedPoints >= limiter.points) throw this.rejected(name, state.msBeforeNext);
  }

  /** Counts one event (a failure) of `key` against `name`, never throwing 429: the gate is assertNotExhausted. */
  async count(name: RateLimitName, key: string): Promise<void> {
    if (!this.config.rateLimitEnabled) return;
    await this.limiters
      .get(name)!
      .consume(key)
      .catch((rejection: unknown) => {
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
      });
  }

  /** Forgets the count of `key` under `name` (a success ends a run of consecutive failures). */
  async reset(name: RateLimitName, key: string): Promise<void> {
    if (!this.config.rateLimitEnabled) return;
    await this.limiters.get(name)!.delete(key);
  }

  private rejected(name: RateLimitName, msBeforeNext: number): AppError {
    this.onReject?.(name);
    const retryAfter = Math.max(1, Math.ceil(msBeforeNext / 1000));
    return new AppError('RATE_LIMITED', { retry_after: retryAfter }, { 'Retry-After': String(retryAfter) });
  }
}
