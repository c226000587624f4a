import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../helpers/app.js';
import { call, createTestDatabase, startServer } from '../helpers/process.js';

/**
 * SIGTERM during a burst of writes: the process stops accepting, finishes what is in flight, closes
 * its pools and exits 0 — and every write that was answered 2xx is in the database, whole.
 */
describe('graceful shutdown', () => {
  let dataDir: string;
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'contacts-shutdown-'));
    database = TEST_DATABASE_URL ? await createTestDatabase(TEST_DATABASE_URL) : undefined;
    env = {
      DATA_DIR: dataDir,
      JWT_SECRET: 'graceful-shutdown-test-secret-0123456789abcdef',
      PASSWORD_HASH_ITERATIONS: '1000',
      REQUIRE_EMAIL_VERIFICATION: 'false',
      RATE_LIMIT_ENABLED: 'false',
      SHUTDOWN_GRACE_MS: '10000',
      LOG_LEVEL: 'warn',
      ...(database ? { DATABASE_URL: database.url } : {}),
    };
  });
  afterAll(async () => {
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps every acknowledged write and exits 0', async () => {
    const server = await startServer(env);
    const account = { username: 'writer', email: 'writer@example.com', password: 'long-enough-1' };
    expect((await call(`${server.url}/api/auth/register`, { method: 'POST', body: account })).status).toBe(
      201,
    );
    const token = (await call(`${server.url}/api/auth/login`, { method: 'POST', body: account })).body
      .access_token;

    const acknowledged = new Map<string, number>();
    const failures: string[] = [];
    let sequence = 0;
    let stopping = false;
    const writer = async () => {
      while (!stopping || sequence < 40) {
        const n = sequence++;
        if (n >= 400) return;
        const body = {
          first_name: `Writer${n}`,
          last_name: 'Burst',
          email: `burst${n}@example.com`,
          additional_info: 'x'.repeat(500),
        };
        try {
          const response = await call(`${server.url}/api/contacts`, { method: 'POST', token, body });
          if (response.status === 201) acknowledged.set(body.email, response.body.id);
          else if (response.status !== 503)
            failures.push(`${response.status} ${JSON.stringify(response.body)}`);
        } catch {
          // Refused or reset once the server stopped accepting: never acknowledged, so never promised.
          if (stopping) return;
        }
      }
    };
    const writers = Array.from({ length: 16 }, writer);
    await new Promise((resolve) => setTimeout(resolve, 300));
    stopping = true;
    server.child.kill('SIGTERM');
    const [exitCode] = await Promise.all([server.exited, ...writers]);

    expect(exitCode).toBe(0);
    expect(failures).toEqual([]);
    expect(acknowledged.size).toBeGreaterThan(0);

    // Back up on the same data: every acknowledged contact is there, whole; nothing else is.
    const again = await startServer(env);
    try {
      const login = await call(`${again.url}/api/auth/login`, { method: 'POST', body: account });
      const listed = await call(`${again.url}/api/contacts?limit=1000`, { token: login.body.access_token });
      expect(listed.status).toBe(200);
      const stored = new Map<string, { id: number; first_name: string; additional_info: string }>(
        listed.body.map((contact: { email: string }) => [contact.email, contact]),
      );
      for (const [email, id] of acknowledged) {
        const contact = stored.get(email);
        expect(contact?.id, email).toBe(id);
        expect(contact?.additional_info).toHaveLength(500);
      }
      expect(stored.size).toBe(acknowledged.size);
    } finally {
      expect(await again.stop()).toBe(0);
    }
  }, 90_000);
});
