import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import pino from 'pino';
import { type App, buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { closeDeps, type Deps, openDeps } from '../../src/container.js';
import type { UserRole } from '../../src/database/schema/index.js';
import { hashPassword } from '../../src/lib/password.js';
import { usersRepository } from '../../src/repository/users-repository.js';
import { startSmtpServer, type TestSmtpServer } from './smtp.js';

/** Which backends the integration tests run on: the embedded database, or the servers CI names. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL || undefined;
export const BACKEND = TEST_DATABASE_URL ? 'postgres+redis' : 'embedded';

export const TEST_PASSWORD = 'correct-horse-42';
export const TEST_HASH_ROUNDS = 1000;

/** Every field of the contract's UserResponse, sorted — and nothing else (no hash, no token). */
export const USER_RESPONSE_FIELDS = [
  'avatar_url',
  'created_at',
  'email',
  'full_name',
  'id',
  'is_active',
  'is_verified',
  'role',
  'username',
];

export interface TestUser {
  id: number;
  username: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  /** `{ authorization: 'Bearer …' }` for app.inject. */
  auth: { authorization: string };
}

export interface TestContext {
  app: App;
  deps: Deps;
  smtp: TestSmtpServer;
  dataDir: string;
  /** Creates a verified user directly in the database and signs it in (a factory, not the HTTP flow). */
  createUser(options?: {
    username?: string;
    email?: string;
    password?: string;
    role?: UserRole;
    verified?: boolean;
  }): Promise<TestUser>;
  close(): Promise<void>;
}

let counter = 0;
/** A short unique suffix for usernames and emails within a test file. */
export function unique(prefix = 'u'): string {
  counter += 1;
  return `${prefix}${counter}${randomBytes(3).toString('hex')}`;
}

/**
 * Builds the app on a fresh database: an in-memory embedded PostgreSQL, or a new schema on the
 * server named by TEST_DATABASE_URL (with its own Redis key prefix), plus a real SMTP server.
 * `env` overrides configuration variables (rate limits are off unless a test turns them on).
 */
export async function createTestApp(env: Record<string, string> = {}): Promise<TestContext> {
  const smtp = await startSmtpServer();
  const dataDir = await mkdtemp(path.join(tmpdir(), 'contacts-test-'));
  const isolation = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  let config: ReturnType<typeof loadConfig>;
  let deps: Deps;
  let app: App;
  try {
    config = loadConfig({
      NODE_ENV: 'test',
      JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-0123456789',
      PASSWORD_HASH_ITERATIONS: String(TEST_HASH_ROUNDS),
      RATE_LIMIT_ENABLED: 'false',
      DATA_DIR: dataDir,
      PUBLIC_URL: 'http://localhost:8000',
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: String(smtp.port),
      DATABASE_URL: TEST_DATABASE_URL,
      REDIS_URL: TEST_REDIS_URL,
      LOG_LEVEL: 'silent',
      ...env,
    });
    const logger = pino({ level: 'silent' });
    deps = await openDeps(config, logger, {
      inMemoryDatabase: true,
      schemaName: config.databaseUrl ? isolation : undefined,
      redisKeyPrefix: `${isolation}:`,
    });
    app = await buildApp(deps, { loggerInstance: logger });
    await app.ready();
    // Mail goes through the durable outbox, as in the server: its worker delivers to `smtp`.
    deps.outbox.start();
  } catch (error) {
    // A configuration a test expects to be refused must not leave the mail server running.
    await smtp.close();
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }

  const createUser: TestContext['createUser'] = async (options = {}) => {
    const username = options.username ?? unique('user');
    const email = options.email ?? `${username}@example.com`;
    const password = options.password ?? TEST_PASSWORD;
    const row = await usersRepository.insert(deps.database.db, {
      username,
      email,
      fullName: null,
      passwordHash: await hashPassword(password, TEST_HASH_ROUNDS),
      role: options.role ?? 'user',
    });
    if (options.verified !== false)
      await usersRepository.update(deps.database.db, row.id, { isVerified: true });
    const tokens = await app.services.sessions.start(row.id);
    return {
      id: row.id,
      username,
      email,
      password,
      accessToken: tokens.access_token,
      refreshToken: tokens.refresh_token,
      auth: { authorization: `Bearer ${tokens.access_token}` },
    };
  };

  return {
    app,
    deps,
    smtp,
    dataDir,
    createUser,
    async close() {
      await app.close();
      if (deps.database.kind === 'postgres') {
        await deps.database.db
          .execute(sql.raw(`drop schema if exists "${isolation}" cascade`))
          .catch(() => {});
      }
      await closeDeps(deps);
      await smtp.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** The parsed JSON body of an inject response. */
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary answer shapes and assert on them.
export function json<T = any>(response: LightMyRequestResponse): T {
  return response.json() as T;
}
