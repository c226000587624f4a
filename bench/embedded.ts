import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { login, postJson } from './http.js';
import { fire } from './load.js';
import { type Server, startServer, stopProcess } from './processes.js';
import { contactsFor } from './seed-data.js';
import type { Settings } from './settings.js';

/** The service on the embedded database (no DATABASE_URL, no REDIS_URL) in a fresh DATA_DIR. */
export function embeddedEnv(settings: Settings, dataDir: string): Record<string, string> {
  return {
    NODE_ENV: 'production',
    JWT_SECRET: settings.jwtSecret,
    RATE_LIMIT_ENABLED: 'false',
    LOG_LEVEL: 'warn',
    DATA_DIR: dataDir,
    // Registration through the API is the only way in from outside; no mail to click.
    REQUIRE_EMAIL_VERIFICATION: 'false',
  };
}

export const tempDataDir = () => mkdtempSync(path.join(os.tmpdir(), 'contacts-bench-'));

/**
 * Writes `count` generated contacts (deterministic for `seed`) through POST /api/contacts, exactly
 * `count` requests over `connections`: a book as users write it.
 */
export function postBook(
  url: string,
  token: string,
  options: { count: number; seed: number; connections: number },
) {
  const bodies = contactsFor(options.count, options.seed).map((c) =>
    JSON.stringify({
      first_name: c.firstName,
      last_name: c.lastName,
      email: c.email,
      phone: c.phone,
      birthday: c.birthday,
    }),
  );
  let next = 0;
  return fire({
    url: `${url}/api/contacts`,
    connections: options.connections,
    amount: options.count,
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    requests: [{ setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length]! }) }],
  });
}

/**
 * Registers a user and fills their book through POST /api/contacts (20 connections, exactly `count`
 * requests): PGlite lives inside the server process, so nothing else can write to it.
 */
export async function seedViaApi(server: Server, settings: Settings, count: number) {
  const started = performance.now();
  const username = 'embedded_bench';
  const reg = await postJson(`${server.url}/api/auth/register`, {
    username,
    email: `${username}@bench.example`,
    password: settings.password,
  });
  if (reg.status !== 201) throw new Error(`register failed: ${reg.status} ${JSON.stringify(reg.body)}`);
  const token = await login(server.url, username, settings.password);
  const round = await postBook(server.url, token, { count, seed: 4242, connections: 20 });
  return {
    token,
    created: round.requests - round.errors,
    errors: round.errors,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * Start-up with existing data: seed a book into a fresh embedded database, stop the service, then
 * start it `times` times, timing spawn → first 200 from /health (Node's own boot included).
 */
export async function measureStartup(settings: Settings, entry: string, times: number) {
  const dataDir = tempDataDir();
  try {
    const env = embeddedEnv(settings, dataDir);
    const first = await startServer('startup-seed', entry, env);
    const seeded = await seedViaApi(first, settings, settings.startupBook);
    let forcedStops = (await stopProcess(first.child, 15_000)) ? 1 : 0;
    const runs: number[] = [];
    for (let i = 0; i < times; i++) {
      const server = await startServer(`startup-${i}`, entry, env);
      runs.push(Math.round(server.startMs));
      // A stop that needs SIGKILL would leave the next start a crash recovery to do: counted.
      if (await stopProcess(server.child, 15_000)) forcedStops++;
    }
    const sorted = [...runs].sort((a, b) => a - b);
    return {
      contacts: seeded.created,
      seedErrors: seeded.errors,
      forcedStops,
      runsMs: runs,
      medianMs: sorted[Math.floor((sorted.length - 1) / 2)]!,
    };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
