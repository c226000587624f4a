import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_FILE_NAME } from '../../src/database/data-dir-lock.js';
import { call, freePort, spawnServer, startServer } from '../helpers/process.js';

/** Runs `npm run cli -- …` as a real process; resolves with its exit code and output. */
function runCliProcess(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr.on('data', (chunk) => {
    output += chunk;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
  return new Promise<{ code: number | null; output: string }>((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    }),
  );
}

/** Every file and folder under `dir` with its permission bits. */
async function modesUnder(dir: string): Promise<{ file: string; mode: number; isDir: boolean }[]> {
  const entries = await readdir(dir, { recursive: true });
  return Promise.all(
    [dir, ...entries.map((entry) => path.join(dir, entry))].map(async (file) => {
      const info = await stat(file);
      return { file, mode: info.mode & 0o777, isDir: info.isDirectory() };
    }),
  );
}

describe('DATA_DIR: private files, one process at a time, a taken port', () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'contacts-datadir-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const envFor = (dataDir: string) => ({
    DATA_DIR: dataDir,
    PASSWORD_HASH_ITERATIONS: '1000',
    REQUIRE_EMAIL_VERIFICATION: 'false',
  });

  it('creates DATA_DIR 0700 and every file in it for its owner only (database, secret, mail)', async () => {
    const dataDir = path.join(root, 'fresh');
    const server = await startServer(envFor(dataDir), 120_000);
    try {
      const register = await call(`${server.url}/api/auth/register`, {
        method: 'POST',
        body: { username: 'modes_user', email: 'modes@example.com', password: 'long-enough-1' },
      });
      expect(register.status).toBe(201);
      const deadline = Date.now() + 5000;
      while (
        Date.now() < deadline &&
        (await readdir(path.join(dataDir, 'outbox')).catch(() => [])).length === 0
      )
        await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      expect(await server.stop()).toBe(0);
    }
    const modes = await modesUnder(dataDir);
    const names = modes.map((entry) => path.relative(dataDir, entry.file));
    expect(names).toContain('jwt-secret');
    expect(names.some((name) => name.startsWith('pgdata/'))).toBe(true);
    expect(names.some((name) => name.startsWith('outbox/') && name.endsWith('.eml'))).toBe(true);
    expect(modes.find((entry) => entry.file === dataDir)?.mode).toBe(0o700);
    const readableByOthers = modes.filter((entry) => (entry.mode & 0o077) !== 0);
    expect(readableByOthers.map((entry) => `${entry.file} ${entry.mode.toString(8)}`)).toEqual([]);
  }, 300_000);

  it('a second server and the CLI refuse an embedded database in use, naming the pid; both work after', async () => {
    const dataDir = path.join(root, 'locked');
    const env = envFor(dataDir);
    const first = await startServer(env, 120_000);
    try {
      const second = spawnServer(env, await freePort());
      expect(await second.exited).toBe(1);
      expect(second.output()).toContain(`pid ${first.child.pid}`);
      expect(second.output()).not.toMatch(/\n\s+at /);

      const cli = await runCliProcess(['create-admin', 'root', 'root@example.com', 'long-enough-pw'], env);
      expect(cli.code).toBe(1);
      expect(cli.output).toContain(`stop the server first (pid ${first.child.pid} holds DATA_DIR`);

      // The running server still owns its data.
      expect((await call(`${first.url}/health`)).status).toBe(200);
    } finally {
      expect(await first.stop()).toBe(0);
    }
    // Released on close: the CLI works now.
    const after = await runCliProcess(['create-admin', 'root', 'root@example.com', 'long-enough-pw'], env);
    expect(after).toMatchObject({ code: 0 });
    expect(await readdir(dataDir)).not.toContain(LOCK_FILE_NAME);
  }, 300_000);

  it('takes over a lock left by a process that is gone', async () => {
    const dataDir = path.join(root, 'stale');
    // A pid far above any pid_max: no such process.
    await runCliProcess(['migrate'], envFor(dataDir));
    await writeFile(path.join(dataDir, LOCK_FILE_NAME), '2147483000\n');
    const result = await runCliProcess(['migrate'], envFor(dataDir));
    expect(result).toMatchObject({ code: 0 });
    expect(result.output).toContain('Database migrations are up to date.');
  }, 300_000);

  it('a taken port is one clear line naming the port and PORT, exit 1', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const server = spawnServer(envFor(path.join(root, 'port')), port);
      expect(await server.exited).toBe(1);
      expect(server.output()).toContain(`Port ${port} on 127.0.0.1 is already in use`);
      expect(server.output()).toContain('set PORT');
      expect(server.output()).not.toMatch(/\n\s+at /);
      // The lock on DATA_DIR was released on the way out.
      expect(await readdir(path.join(root, 'port'))).not.toContain(LOCK_FILE_NAME);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  }, 300_000);
});
