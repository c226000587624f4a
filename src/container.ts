import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from './config/config.js';
import { type DatabaseHandle, openDatabase } from './database/client.js';
import { type DataDirLock, lockDataDir, prepareDataDir } from './database/data-dir-lock.js';
import { type AvatarStorage, LocalAvatarStorage } from './infra/avatar-storage.js';
import type { SessionCache } from './infra/cache.js';
import { CloudinaryAvatarStorage } from './infra/cloudinary-storage.js';
import { createSessionCache } from './infra/invalidation.js';
import { type Mailer, OutboxMailer, SmtpMailer } from './infra/mailer.js';
import { Metrics } from './infra/metrics.js';
import { createRedis, waitForRedis } from './infra/redis.js';
import { TokenSigner } from './lib/tokens.js';
import { outboxRepository } from './repository/outbox-repository.js';
import { AdminService } from './services/admin-service.js';
import { AuthService } from './services/auth-service.js';
import { AvatarService } from './services/avatar-service.js';
import { ContactsService } from './services/contacts-service.js';
import { MaintenanceJob } from './services/maintenance.js';
import { OutboxWorker, type OutboxWorkerOptions } from './services/outbox-worker.js';
import { RateLimitService } from './services/rate-limit-service.js';
import { SessionService } from './services/session-service.js';

/** The outside world the services talk to: built once per process (or per test), closed on shutdown. */
export interface Deps {
  config: Readonly<Config> & { jwtSecret: string };
  database: DatabaseHandle;
  redis: Redis | undefined;
  /** The process-local session → user cache (see createSessionCache for when it caches at all). */
  cache: SessionCache;
  mailer: Mailer;
  storage: AvatarStorage;
  tokens: TokenSigner;
  rateLimits: RateLimitService;
  log: FastifyBaseLogger;
  /** Delivers the mail_outbox table; started by the server (and test apps), stopped by closeDeps. */
  outbox: OutboxWorker;
  /** The hourly purges; started by the server with the outbox worker, stopped by closeDeps. */
  maintenance: MaintenanceJob;
  /** Set when METRICS_ENABLED: the app's own Prometheus registry. */
  metrics: Metrics | undefined;
  /** The embedded database on disk: this process's exclusive hold on DATA_DIR, released by closeDeps. */
  dataDirLock?: DataDirLock | undefined;
}

export interface Services {
  sessions: SessionService;
  auth: AuthService;
  avatars: AvatarService;
  contacts: ContactsService;
  admin: AdminService;
}

export function createServices(deps: Deps): Services {
  const sessions = new SessionService(deps.database.db, deps.tokens, deps.cache, deps.config);
  return {
    sessions,
    auth: new AuthService(deps, sessions),
    avatars: new AvatarService(deps, sessions),
    contacts: new ContactsService(deps),
    admin: new AdminService(deps, sessions),
  };
}

/**
 * The JWT secret: JWT_SECRET when set; otherwise (development only — config refuses production
 * without one) a random secret generated once and kept in DATA_DIR, so tokens survive a restart.
 */
export async function resolveJwtSecret(config: Readonly<Config>): Promise<string> {
  if (config.jwtSecret) return config.jwtSecret;
  const file = path.join(config.dataDir, 'jwt-secret');
  try {
    const stored = (await readFile(file, 'utf8')).trim();
    if (stored.length >= 32) return stored;
  } catch {
    // Not there yet: generate it below.
  }
  await prepareDataDir(config.dataDir);
  const secret = randomBytes(48).toString('base64url');
  await writeFile(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

export interface OpenDepsOptions {
  /** Test isolation on a shared PostgreSQL server. */
  schemaName?: string;
  /** Tests: keep the embedded database in memory instead of DATA_DIR. */
  inMemoryDatabase?: boolean;
  /** Tests: a Redis key prefix, so parallel test files do not share counters. */
  redisKeyPrefix?: string;
  /** Tests: faster polling and retries of the mail outbox worker. */
  outbox?: Partial<OutboxWorkerOptions>;
  /** Cluster workers: the primary has already applied the migrations. */
  skipMigrations?: boolean;
}

/**
 * DATA_DIR and the database: with the embedded database on disk, first the exclusive lock on
 * DATA_DIR (two processes on one embedded database lose each other's writes, so the second opener
 * fails here), then the JWT secret, the database and its migrations. A failure releases what was taken.
 */
async function openStorage(config: Readonly<Config>, options: OpenDepsOptions) {
  const dataDirLock =
    !config.databaseUrl && !options.inMemoryDatabase ? await lockDataDir(config.dataDir) : undefined;
  let database: DatabaseHandle | undefined;
  try {
    const jwtSecret = await resolveJwtSecret(config);
    database = await openDatabase({
      url: config.databaseUrl,
      embeddedDir: options.inMemoryDatabase ? undefined : path.join(config.dataDir, 'pgdata'),
      schemaName: options.schemaName,
      timeoutMs: config.databaseTimeoutMs,
      migrationTimeoutMs: config.migrationTimeoutMs,
    });
    if (!options.skipMigrations) await database.migrate();
    return { database, dataDirLock, jwtSecret };
  } catch (error) {
    await database?.close().catch(() => {});
    await dataDirLock?.release();
    throw error;
  }
}

/** Opens the database (and applies migrations), Redis, mail and storage as the configuration says. */
export async function openDeps(
  config: Readonly<Config>,
  log: FastifyBaseLogger,
  options: OpenDepsOptions = {},
): Promise<Deps> {
  const { database, dataDirLock, jwtSecret } = await openStorage(config, options);
  const redis = config.redisUrl ? createRedis(config.redisUrl, options.redisKeyPrefix) : undefined;
  if (redis) await waitForRedis(redis, 2000);
  const mailer = config.smtp
    ? new SmtpMailer(config.smtp, config.mailFrom)
    : new OutboxMailer(path.join(config.dataDir, 'outbox'), config.mailFrom, (line) => log.info(line));
  const metrics = config.metricsEnabled
    ? new Metrics({
        outboxDepth: () => outboxRepository.countPending(database.db),
        outboxFailed: () => outboxRepository.countFailed(database.db),
        poolStats: () => database.poolStats(),
      })
    : undefined;
  return {
    config: { ...config, jwtSecret },
    database,
    redis,
    cache: createSessionCache(config.databaseUrl, redis),
    mailer,
    storage: config.cloudinaryUrl
      ? new CloudinaryAvatarStorage(config.cloudinaryUrl)
      : new LocalAvatarStorage(path.join(config.dataDir, 'avatars'), `${config.publicUrl}/avatars`),
    tokens: new TokenSigner(jwtSecret),
    rateLimits: new RateLimitService(config, redis, metrics && ((name) => metrics.rateLimited(name))),
    log,
    outbox: new OutboxWorker(database.db, mailer, log, {
      maxAttempts: config.outboxMaxAttempts,
      ...options.outbox,
    }),
    maintenance: new MaintenanceJob(database.db, log),
    metrics,
    dataDirLock,
  };
}

export async function closeDeps(deps: Deps): Promise<void> {
  // Before the mailer and the database: a mail being sent finishes and is recorded.
  await deps.outbox.stop();
  await deps.maintenance.stop();
  deps.mailer.close();
  await deps.cache.close();
  deps.redis?.disconnect();
  // Closing twice (a test that took the database away, then the normal teardown) is harmless.
  await deps.database.close().catch(() => {});
  await deps.dataDirLock?.release();
}
