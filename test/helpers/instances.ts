import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { type App, buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { closeDeps, type Deps, openDeps } from '../../src/container.js';
import type { SessionCache } from '../../src/infra/cache.js';
import { TEST_HASH_ROUNDS } from './app.js';

export interface Instance {
  app: App;
  deps: Deps;
  close(): Promise<void>;
}

/**
 * Several in-process instances of the service on one PostgreSQL schema (and one Redis key prefix),
 * as instances behind a load balancer share one database: unlike server processes, a test can reach
 * into each one (to hold a cache fill back, or to read its cache's state).
 */
export async function sharedInstances(databaseUrl: string) {
  const isolation = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'contacts-instances-'));
  const opened: Instance[] = [];
  return {
    /** What a CLI run (or any other process) needs to join these instances: `openDeps` options. */
    openOptions: { schemaName: isolation, redisKeyPrefix: `${isolation}:` },
    async open(env: Record<string, string> = {}): Promise<Instance> {
      const config = loadConfig({
        NODE_ENV: 'test',
        JWT_SECRET: 'test-secret-shared-by-the-instances-0123456789-abcdef',
        PASSWORD_HASH_ITERATIONS: String(TEST_HASH_ROUNDS),
        RATE_LIMIT_ENABLED: 'false',
        DATA_DIR: dataDir,
        DATABASE_URL: databaseUrl,
        LOG_LEVEL: 'silent',
        ...env,
      });
      const logger = pino({ level: 'silent' });
      const deps = await openDeps(config, logger, { schemaName: isolation, redisKeyPrefix: `${isolation}:` });
      const app = await buildApp(deps, { loggerInstance: logger });
      await app.ready();
      const instance = {
        app,
        deps,
        async close() {
          await app.close();
          await closeDeps(deps);
        },
      };
      opened.push(instance);
      return instance;
    },
    async close() {
      const [first] = opened;
      await first?.deps.database.db
        .execute(sql.raw(`drop schema if exists "${isolation}" cascade`))
        .catch(() => {});
      await Promise.all(opened.map((instance) => instance.close().catch(() => {})));
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Waits until `check` holds, polling every 10 ms; fails after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits until a cache that depends on Redis is subscribed and serving (the others always are). */
export async function untilServing(cache: SessionCache): Promise<void> {
  if ('serving' in cache) await until(() => (cache as { serving: boolean }).serving);
}

/**
 * Holds back the cache's fills: a request that read the database gets its answer, but the entry it
 * would store is kept until `release()` — exactly the moment of a fill racing a revocation.
 */
export function holdFills(cache: SessionCache) {
  const original = cache.set.bind(cache);
  const held: Array<() => void> = [];
  cache.set = (...args) => {
    held.push(() => original(...args));
  };
  return {
    get count() {
      return held.length;
    },
    release() {
      cache.set = original;
      for (const fill of held.splice(0)) fill();
    },
  };
}

/** The session id (`sid`) an access token carries. */
export function sessionOf(token: string): string {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')).sid;
}
