import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli.js';
import { loadConfig } from '../../src/config/config.js';
import { closeDeps, openDeps } from '../../src/container.js';
import { lockDataDir } from '../../src/database/data-dir-lock.js';
import { verifyPassword } from '../../src/lib/password.js';
import { outboxRepository } from '../../src/repository/outbox-repository.js';
import { usersRepository } from '../../src/repository/users-repository.js';
import { AdminService } from '../../src/services/admin-service.js';
import { createTestApp, json, TEST_DATABASE_URL, type TestContext, unique } from '../helpers/app.js';

/** Captures what a command prints. */
function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (line: string) => out.push(line), err: (line: string) => err.push(line) }, out, err };
}

describe('command line, on the running app’s database', () => {
  let ctx: TestContext;

  beforeAll(async () => {
    ctx = await createTestApp({ ADMIN_EMAILS: 'Boss.Person@Example.com, nobody-yet@example.com' });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const run = (argv: string[]) => {
    const c = capture();
    return runCli(argv, {}, { deps: ctx.deps, io: c.io }).then((code) => ({ code, ...c }));
  };
  const stats = (auth: { authorization: string }) =>
    ctx.app.inject({ url: '/api/admin/stats', headers: auth });

  it('promote makes an existing user admin, effective on their current token', async () => {
    const user = await ctx.createUser();
    expect((await stats(user.auth)).statusCode).toBe(403);
    const result = await run(['promote', user.username]);
    expect(result.code).toBe(0);
    expect(result.out.join('\n')).toContain('is now admin (was user)');
    expect((await usersRepository.findById(ctx.deps.database.db, user.id))?.role).toBe('admin');
    expect((await stats(user.auth)).statusCode).toBe(200);
  });

  it('promote takes an email (any case) and --role', async () => {
    const user = await ctx.createUser();
    expect((await run(['promote', user.email.toUpperCase(), '--role', 'moderator'])).code).toBe(0);
    expect((await usersRepository.findById(ctx.deps.database.db, user.id))?.role).toBe('moderator');
    expect((await run(['promote', `--role=user`, user.username])).code).toBe(0);
    expect((await usersRepository.findById(ctx.deps.database.db, user.id))?.role).toBe('user');
  });

  it('promote fails clearly for an unknown user or role', async () => {
    const missing = await run(['promote', 'no-such-user']);
    expect(missing.code).toBe(1);
    expect(missing.err).toEqual(['User not found: no-such-user']);

    const user = await ctx.createUser();
    const badRole = await run(['promote', user.username, '--role', 'boss']);
    expect(badRole.code).toBe(1);
    expect(badRole.err[0]).toContain('--role must be one of user, moderator, admin');
    expect((await usersRepository.findById(ctx.deps.database.db, user.id))?.role).toBe('user');
  });

  it('create-admin creates a verified, active admin with the given password', async () => {
    const username = unique('boss');
    const result = await run(['create-admin', username, `${username}@example.com`, 'long-enough-pw']);
    expect(result.code).toBe(0);
    const row = await usersRepository.findByLogin(ctx.deps.database.db, username);
    expect(row).toMatchObject({
      role: 'admin',
      isVerified: true,
      isActive: true,
      email: `${username}@example.com`,
    });
    expect(await verifyPassword('long-enough-pw', row!.passwordHash)).toBe(true);

    const token = await ctx.app.services.sessions.start(row!.id);
    expect((await stats({ authorization: `Bearer ${token.access_token}` })).statusCode).toBe(200);

    const again = await run(['create-admin', username, `other-${username}@example.com`, 'long-enough-pw']);
    expect(again).toMatchObject({ code: 1, err: ['Username already registered'] });
    const sameEmail = await run([
      'create-admin',
      `${username}x`,
      `${username}@EXAMPLE.com`,
      'long-enough-pw',
    ]);
    expect(sameEmail).toMatchObject({ code: 1, err: ['Email already registered'] });
  });

  it('create-admin validates its arguments', async () => {
    for (const args of [
      ['no', 'a@example.com', 'long-enough-pw'],
      [unique('x'), 'not-an-email', 'long-enough-pw'],
      [unique('x'), 'b@example.com', 'short'],
    ]) {
      const result = await run(['create-admin', ...args]);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.err.length).toBe(1);
    }
    expect((await run(['create-admin', 'only-username'])).code).toBe(2);
  });

  it('prints help for no command, help, and an unknown command', async () => {
    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.out.join('\n')).toContain('create-admin <username> <email> <password>');
    expect((await run(['help'])).code).toBe(0);
    const unknown = await run(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.err.join('\n')).toContain('Unknown command: frobnicate');
  });

  it('ADMIN_EMAILS promotes existing users at start-up, at once and only once', async () => {
    const boss = await ctx.createUser({ email: 'boss.person@example.com' });
    const other = await ctx.createUser();
    expect((await stats(boss.auth)).statusCode).toBe(403);

    expect(await AdminService.promoteConfiguredAdmins(ctx.deps)).toBe(1);
    expect((await stats(boss.auth)).statusCode).toBe(200);
    expect(json(await stats(boss.auth)).users_by_role.admin).toBeGreaterThanOrEqual(1);
    expect((await usersRepository.findById(ctx.deps.database.db, other.id))?.role).toBe('user');
    expect(await AdminService.promoteConfiguredAdmins(ctx.deps)).toBe(0);
  });
});

describe('command line, opening the database itself', () => {
  let dataDir: string;
  const schemaName = `cli_${randomBytes(4).toString('hex')}`;
  let env: Record<string, string | undefined>;
  const openOptions = TEST_DATABASE_URL ? { schemaName } : {};

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'contacts-cli-'));
    env = { NODE_ENV: 'test', DATA_DIR: dataDir, DATABASE_URL: TEST_DATABASE_URL, LOG_LEVEL: 'silent' };
  });
  afterAll(async () => {
    if (TEST_DATABASE_URL) {
      const deps = await openDeps(loadConfig(env), pino({ level: 'silent' }), openOptions);
      await deps.database.db.execute(sql.raw(`drop schema if exists "${schemaName}" cascade`));
      await closeDeps(deps);
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('migrate, create-admin and promote work on a database they open and close', async () => {
    const first = capture();
    expect(await runCli(['migrate'], env, { io: first.io, openOptions }), first.err.join('\n')).toBe(0);
    expect(first.out).toEqual(['Database migrations are up to date.']);

    const created = capture();
    expect(
      await runCli(['create-admin', 'root', 'root@example.com', 'long-enough-pw'], env, {
        io: created.io,
        openOptions,
      }),
      created.err.join('\n'),
    ).toBe(0);
    const missing = capture();
    expect(await runCli(['promote', 'ghost'], env, { io: missing.io, openOptions })).toBe(1);
    expect(missing.err).toEqual(['User not found: ghost']);
    // Root is the only admin: the database refuses to leave none, and the CLI says so.
    const last = capture();
    expect(await runCli(['promote', 'root', '--role', 'moderator'], env, { io: last.io, openOptions })).toBe(
      1,
    );
    expect(last.err).toEqual(['root is the last active admin: promote another user first.']);
    expect(
      await runCli(['create-admin', 'root2', 'root2@example.com', 'long-enough-pw'], env, {
        io: capture().io,
        openOptions,
      }),
    ).toBe(0);
    expect(
      await runCli(['promote', 'root', '--role', 'moderator'], env, { io: capture().io, openOptions }),
    ).toBe(0);

    const deps = await openDeps(loadConfig(env), pino({ level: 'silent' }), openOptions);
    try {
      const row = await usersRepository.findByLogin(deps.database.db, 'root');
      expect(row).toMatchObject({ role: 'moderator', isVerified: true, email: 'root@example.com' });
    } finally {
      await closeDeps(deps);
    }
  }, 180_000);

  it('refuses the embedded database while another process holds DATA_DIR, naming its pid', async () => {
    const held = await mkdtemp(path.join(tmpdir(), 'contacts-cli-held-'));
    const lock = await lockDataDir(held);
    try {
      const result = capture();
      expect(
        await runCli(
          ['migrate'],
          { NODE_ENV: 'test', DATA_DIR: held, LOG_LEVEL: 'silent' },
          { io: result.io },
        ),
      ).toBe(1);
      expect(result.err).toEqual([
        `The embedded database is open in another process: stop the server first (pid ${process.pid} holds DATA_DIR ${held}).`,
      ]);
    } finally {
      await lock.release();
      await rm(held, { recursive: true, force: true });
    }
  });

  it('reports a bad configuration naming the variable', async () => {
    const result = capture();
    expect(await runCli(['migrate'], { ...env, PORT: 'abc' }, { io: result.io })).toBe(1);
    expect(result.err.join('\n')).toContain('PORT');
  });

  it('drain-outbox sends the queued mail and reports it; exit 1 while the mail server is down', async () => {
    const queue = async (cliEnv: typeof env, recipients: string[]) => {
      const deps = await openDeps(loadConfig(cliEnv), pino({ level: 'silent' }), openOptions);
      try {
        for (const recipient of recipients) {
          await outboxRepository.insert(deps.database.db, {
            recipient,
            subject: 'Queued',
            textBody: 'hello',
            htmlBody: '<p>hello</p>',
          });
        }
      } finally {
        await closeDeps(deps);
      }
    };
    await queue(env, ['one@example.com', 'two@example.com']);
    const done = capture();
    expect(await runCli(['drain-outbox'], env, { io: done.io, openOptions })).toBe(0);
    expect(done.out).toEqual(['Sent 2, failed 0 (0 given up); 0 still waiting, 0 failed for good.']);
    // Without SMTP_HOST the transport is the .eml directory.
    const files = (await readdir(path.join(dataDir, 'outbox'))).filter((name) => name.endsWith('.eml'));
    expect(files).toHaveLength(2);
    const again = capture();
    expect(await runCli(['drain-outbox'], env, { io: again.io, openOptions })).toBe(0);
    expect(again.out).toEqual(['Sent 0, failed 0 (0 given up); 0 still waiting, 0 failed for good.']);

    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const smtpDown = { ...env, SMTP_HOST: '127.0.0.1', SMTP_PORT: String(closedPort) };
    await queue(smtpDown, ['three@example.com']);
    const failed = capture();
    expect(await runCli(['drain-outbox'], smtpDown, { io: failed.io, openOptions })).toBe(1);
    expect(failed.out).toEqual(['Sent 0, failed 1 (0 given up); 1 still waiting, 0 failed for good.']);
    expect(failed.err[0]).toContain('1 mail(s) still waiting');
    // It tries now, not at the retry time: a second run right away tries the same mail again.
    const retried = capture();
    expect(await runCli(['drain-outbox'], smtpDown, { io: retried.io, openOptions })).toBe(1);
    expect(retried.out).toEqual(['Sent 0, failed 1 (0 given up); 1 still waiting, 0 failed for good.']);
    // And once the mail server is back, the waiting mail goes out at once (no waiting for backoff).
    const back = capture();
    expect(await runCli(['drain-outbox'], env, { io: back.io, openOptions })).toBe(0);
    expect(back.out).toEqual(['Sent 1, failed 0 (0 given up); 0 still waiting, 0 failed for good.']);
  }, 180_000);
});
