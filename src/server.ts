import closeWithGrace from 'close-with-grace';
import pino from 'pino';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config/config.js';
import { closeDeps, openDeps } from './container.js';
import { AdminService } from './services/admin-service.js';

/** Loads `.env` when there is one; real environment variables win. */
function loadDotEnv() {
  try {
    process.loadEnvFile('.env');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

async function main() {
  loadDotEnv();
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }

  const logger = pino({ level: config.logLevel });
  const deps = await openDeps(config, logger);
  const promoted = await AdminService.promoteConfiguredAdmins(deps);
  if (promoted > 0) logger.info({ promoted }, 'promoted users listed in ADMIN_EMAILS to admin');

  const app = await buildApp(deps, { loggerInstance: logger });
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'shutting down after an error');
    else logger.info({ signal }, 'shutting down');
    await app.close();
    await closeDeps(deps);
  });

  await app.listen({ port: config.port, host: config.host });
  logger.info(
    { database: deps.database.kind, redis: Boolean(deps.redis), smtp: Boolean(config.smtp) },
    `Contacts API listening on ${config.publicUrl} (docs at ${config.publicUrl}/docs)`,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
