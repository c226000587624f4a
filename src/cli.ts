import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { ConfigError, loadConfig } from './config/config.js';
import { closeDeps, type Deps, type OpenDepsOptions, openDeps } from './container.js';
import { DataDirLockedError } from './database/data-dir-lock.js';
import { isCheckViolation, isUniqueViolation } from './database/errors.js';
import { USER_ROLES, type UserRole } from './database/schema/index.js';
import { createLogger } from './infra/logger.js';
import { hashPassword } from './lib/password.js';
import { outboxRepository } from './repository/outbox-repository.js';
import { usersRepository } from './repository/users-repository.js';
import { SessionService } from './services/session-service.js';

export const HELP = `Contacts API command line

Usage: npm run cli -- <command> [arguments]

Commands:
  migrate                                    apply the database migrations (also done at every start)
  promote <username-or-email> [--role ROLE]  set a user's role: admin (default), moderator or user
  create-admin <username> <email> <password> create a verified, active admin
  drain-outbox                               try every queued mail now (exit 1 while mail still waits or was given up)
  help                                       show this text

The database is the one the server uses: DATABASE_URL, or the embedded one in DATA_DIR (read from the
environment or .env). On a PostgreSQL server the commands work while servers run; the embedded database
can only be open in one process, so stop the server first (the CLI refuses, naming the server's pid). With REDIS_URL set a role change shows on running servers at once, otherwise within a minute.
`;

/** Where the CLI writes; tests capture it. */
export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export interface CliOptions {
  io?: CliIo;
  /** Run on already-open dependencies (tests); otherwise they are opened from `env` and closed after. */
  deps?: Deps;
  openOptions?: OpenDepsOptions;
}

/** A mistake of the person at the keyboard: printed as it is, exit code 1, no stack trace. */
class CliError extends Error {}

const USERNAME = /^[A-Za-z0-9_.-]{3,50}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

type Command = (deps: Deps, args: string[], io: CliIo) => Promise<void>;

const COMMANDS: Record<string, { minArgs: number; run: Command }> = {
  migrate: { minArgs: 0, run: async (_deps, _args, io) => io.out('Database migrations are up to date.') },
  promote: { minArgs: 1, run: promote },
  'create-admin': { minArgs: 3, run: createAdmin },
  'drain-outbox': { minArgs: 0, run: drainOutbox },
};

/**
 * Tries every queued mail once now, including mail whose retry time has not come (claims are
 * exclusive, so it is safe next to running servers). Exit 1 while mail is still waiting or when
 * mail was given up in this run; mail given up earlier is reported, not counted against the run.
 */
async function drainOutbox(deps: Deps, _args: string[], io: CliIo) {
  const { sent, failed, gaveUp } = await deps.outbox.deliverDue({ includeWaiting: true });
  const waiting = await outboxRepository.countPending(deps.database.db);
  const dead = await outboxRepository.countFailed(deps.database.db);
  io.out(
    `Sent ${sent}, failed ${failed} (${gaveUp} given up); ${waiting} still waiting, ${dead} failed for good.`,
  );
  if (waiting > 0 || gaveUp > 0) {
    throw new CliError(
      `${waiting} mail(s) still waiting, ${gaveUp} given up in this run (see mail_outbox.last_error); waiting mail is retried with backoff.`,
    );
  }
}

async function promote(deps: Deps, args: string[], io: CliIo) {
  const { login, role } = parsePromoteArgs(args);
  const user = await usersRepository.findByLogin(deps.database.db, login);
  if (!user) throw new CliError(`User not found: ${login}`);
  try {
    await usersRepository.update(deps.database.db, user.id, { role });
  } catch (error) {
    // The database refuses to leave no active admin (migration 0007's trigger).
    if (isCheckViolation(error, 'users_last_admin')) {
      throw new CliError(`${user.username} is the last active admin: promote another user first.`);
    }
    throw error;
  }
  // Drop cached copies (shared through Redis when configured) so running servers see the new role.
  await new SessionService(deps.database.db, deps.tokens, deps.cache, deps.config).invalidateUser(user.id);
  io.out(`${user.username} <${user.email}> is now ${role} (was ${user.role}).`);
}

function parsePromoteArgs(args: string[]): { login: string; role: UserRole } {
  let role: string = 'admin';
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--role') role = args[++i] ?? '';
    else if (arg.startsWith('--role=')) role = arg.slice('--role='.length);
    else if (arg.startsWith('--')) throw new CliError(`Unknown option: ${arg}`);
    else positional.push(arg);
  }
  if (!(USER_ROLES as readonly string[]).includes(role)) {
    throw new CliError(`--role must be one of ${USER_ROLES.join(', ')} (got "${role}")`);
  }
  if (positional.length !== 1)
    throw new CliError('Usage: promote <username-or-email> [--role admin|moderator|user]');
  return { login: positional[0]!, role: role as UserRole };
}

async function createAdmin(deps: Deps, args: string[], io: CliIo) {
  const [username, email, password] = args as [string, string, string];
  if (!USERNAME.test(username))
    throw new CliError('username must be 3–50 characters of letters, digits, _ . -');
  if (email.length > 254 || !EMAIL.test(email)) throw new CliError(`not a valid email address: ${email}`);
  if (password.length < 8 || password.length > 128) throw new CliError('password must be 8–128 characters');
  try {
    const row = await usersRepository.insert(deps.database.db, {
      username,
      email,
      fullName: null,
      passwordHash: await hashPassword(password, deps.config.passwordHashIterations),
      role: 'admin',
    });
    await usersRepository.update(deps.database.db, row.id, { isVerified: true });
    io.out(`Created admin ${username} <${email}> (id ${row.id}).`);
  } catch (error) {
    if (isUniqueViolation(error, 'users_username_key')) throw new CliError('Username already registered');
    if (isUniqueViolation(error, 'users_email_key')) throw new CliError('Email already registered');
    throw error;
  }
}

/**
 * Runs one command and returns the exit code: 0 done, 1 failed (with a message on stderr), 2 usage.
 * Opening the dependencies applies the migrations, which is all `migrate` needs.
 */
export async function runCli(
  argv: string[],
  env: Record<string, string | undefined>,
  options: CliOptions = {},
): Promise<number> {
  const io = options.io ?? { out: (line) => console.log(line), err: (line) => console.error(line) };
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    io.out(HELP);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`Unknown command: ${name}\n\n${HELP}`);
    return 2;
  }
  if (args.length < command.minArgs) {
    io.err(`Missing arguments for ${name}.\n\n${HELP}`);
    return 2;
  }

  let deps = options.deps;
  try {
    if (!deps) {
      const config = loadConfig(env);
      deps = await openDeps(config, createLogger(config, pino.destination(2)), options.openOptions);
    }
    await command.run(deps, args, io);
    return 0;
  } catch (error) {
    if (error instanceof CliError || error instanceof ConfigError) io.err(error.message);
    else if (error instanceof DataDirLockedError) {
      // On a PostgreSQL server (DATABASE_URL) the CLI works next to running servers; the embedded
      // database is one process's at a time.
      io.err(
        `The embedded database is open in another process: stop the server first (pid ${error.pid} holds DATA_DIR ${error.dataDir}).`,
      );
    } else io.err(`Failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    if (deps && !options.deps) await closeDeps(deps);
  }
}

/** Loads `.env` when there is one; real environment variables win (as in server.ts). */
function loadDotEnv() {
  try {
    process.loadEnvFile('.env');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  loadDotEnv();
  // As the server: files the CLI creates in DATA_DIR (the embedded database's) are the owner's only.
  process.umask(0o077);
  runCli(process.argv.slice(2), process.env).then((code) => {
    process.exitCode = code;
  });
}
