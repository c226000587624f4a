import cluster from 'node:cluster';
import closeWithGrace from 'close-with-grace';
import type { Logger } from 'pino';
import { buildApp } from './app.js';
import { type Config, ConfigError, loadConfig } from './config/config.js';
import { closeDeps, type Deps, openDeps } from './container.js';
import { DataDirLockedError } from './database/data-dir-lock.js';
import { createLogger } from './infra/logger.js';
import { AdminService } from './services/admin-service.js';

/** Loads `.env` when there is one; real environment variables win. */
function loadDotEnv() {
  try {
    process.loadEnvFile('.env');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function loadConfigOrExit(): Readonly<Config> {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}

/** A worker exits with this when the port is taken, so the cluster primary stops instead of re-forking. */
const EXIT_PORT_IN_USE = 3;

/** Listens, or explains a taken port in one line (no stack trace) and exits. */
async function listenOrExit(
  listen: () => Promise<unknown>,
  config: Readonly<Config>,
  cleanup: () => Promise<void>,
) {
  try {
    await listen();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    console.error(
      `Port ${config.port} on ${config.host} is already in use (another Contacts API, or another program, is listening there). Stop it, or set PORT to a free port (for example PORT=${config.port + 1} npm start).`,
    );
    await cleanup();
    process.exit(cluster.isWorker ? EXIT_PORT_IN_USE : 1);
  }
}

async function promoteConfiguredAdmins(deps: Deps, logger: Logger) {
  const promoted = await AdminService.promoteConfiguredAdmins(deps);
  if (promoted > 0) logger.info({ promoted }, 'promoted users listed in ADMIN_EMAILS to admin');
}

/** One serving process: opens its dependencies, listens, and on SIGTERM drains and closes them. */
async function runServer(config: Readonly<Config>, logger: Logger, options: { prepared: boolean }) {
  const deps = await openDeps(config, logger, { skipMigrations: options.prepared });
  if (!options.prepared) await promoteConfiguredAdmins(deps, logger);

  const app = await buildApp(deps, { loggerInstance: logger });
  // Delivers queued mail (this instance's and, through SKIP LOCKED claims, its share of everyone's).
  deps.outbox.start();
  // Purges (ended sessions, old mail) at start and hourly; one instance at a time runs a round.
  deps.maintenance.start();
  closeWithGrace({ delay: config.shutdownGraceMs }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'shutting down after an error');
    else logger.info({ signal }, 'shutting down: finishing requests in flight');
    // Stops accepting, waits for requests in flight, then the pools close.
    await app.close();
    await closeDeps(deps);
  });

  await listenOrExit(
    () => app.listen({ port: config.port, host: config.host }),
    config,
    async () => {
      await app.close();
      await closeDeps(deps);
    },
  );
  logger.info(
    { database: deps.database.kind, redis: Boolean(deps.redis), smtp: Boolean(config.smtp) },
    `Contacts API listening on ${config.publicUrl} (docs at ${config.publicUrl}/docs)`,
  );
}

/**
 * WEB_CONCURRENCY > 1: the primary applies migrations and start-up promotions once, then forks the
 * workers, which share the port (node:cluster). A worker that dies is replaced; SIGTERM is passed on
 * and the primary exits when every worker has drained.
 */
async function runPrimary(config: Readonly<Config>, logger: Logger) {
  // Once for all workers: migrations, the generated JWT secret (all must sign alike), promotions.
  const deps = await openDeps(config, logger);
  await promoteConfiguredAdmins(deps, logger);
  await closeDeps(deps);

  let stopping = false;
  const fork = () => cluster.fork({ CONTACTS_API_PREPARED: '1' });
  for (let i = 0; i < config.webConcurrency; i++) fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    if (code === EXIT_PORT_IN_USE) {
      // Every worker would fail the same way: stop them all (the message was printed by the worker).
      stopping = true;
      for (const other of Object.values(cluster.workers ?? {})) other?.process.kill('SIGTERM');
      process.exitCode = 1;
      return;
    }
    logger.error({ pid: worker.process.pid, code, signal }, 'worker died; starting another');
    setTimeout(fork, 1000);
  });
  logger.info({ workers: config.webConcurrency }, 'cluster primary started');

  closeWithGrace({ delay: config.shutdownGraceMs + 2000 }, async ({ signal }) => {
    stopping = true;
    logger.info({ signal }, 'stopping workers');
    const workers = Object.values(cluster.workers ?? {}).filter((worker) => worker !== undefined);
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.isDead()) return resolve();
            worker.once('exit', () => resolve());
            worker.process.kill('SIGTERM');
          }),
      ),
    );
  });
}

async function main() {
  loadDotEnv();
  const config = loadConfigOrExit();
  // Everything this process creates (embedded database files, the JWT secret, mail files, avatars)
  // is for its owner only: DATA_DIR holds password hashes and live reset links.
  process.umask(0o077);
  const logger = createLogger(config);
  if (config.webConcurrency > 1 && cluster.isPrimary) return runPrimary(config, logger);
  return runServer(config, logger, { prepared: process.env.CONTACTS_API_PREPARED === '1' });
}

main().catch((error) => {
  // A second opener of the embedded database gets one clear line, not a stack trace.
  console.error(error instanceof DataDirLockedError ? error.message : error);
  process.exit(1);
});
