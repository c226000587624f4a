import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../helpers/app.js';

/** The service as a user runs it: a real process on a real port, configured by the environment. */
interface RunningServer {
  url: string;
  process: ChildProcess;
  output: () => string;
  stop(): Promise<number | null>;
}

/** Sends bytes as they are (no client library would send a raw non-ASCII URL) and reads the answer. */
function rawRequest(url: string, bytes: Buffer): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(bytes));
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk;
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function runServer(env: Record<string, string>): {
  process: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { process: child, output: () => output, exited };
}

async function startServer(env: Record<string, string>): Promise<RunningServer> {
  const port = await freePort();
  const {
    process: child,
    output,
    exited,
  } = runServer({ HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ...env });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const response = await fetch(`${url}/health`);
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`server did not start:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    process: child,
    output,
    async stop() {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

describe('the server process', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'contacts-server-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const baseEnv = () => ({
    DATA_DIR: dataDir,
    PASSWORD_HASH_ITERATIONS: '1000',
    REQUIRE_EMAIL_VERIFICATION: 'false',
  });

  it('starts with zero set-up, writes mail to the outbox, keeps data and tokens across a restart', async () => {
    const first = await startServer(baseEnv());
    const register = await fetch(`${first.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        username: 'restart_user',
        email: 'restart@example.com',
        password: 'long-enough-1',
      }),
    });
    expect(register.status).toBe(201);
    const login = await fetch(`${first.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=restart_user&password=long-enough-1',
    });
    expect(login.status).toBe(200);
    const { access_token: accessToken } = (await login.json()) as { access_token: string };

    // Without SMTP the verification mail is an .eml file in the outbox, and its link is logged.
    const deadline = Date.now() + 5000;
    let files: string[] = [];
    while (files.length === 0 && Date.now() < deadline) {
      files = await readdir(path.join(dataDir, 'outbox')).catch(() => []);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(files).toHaveLength(1);
    const eml = await readFile(path.join(dataDir, 'outbox', files[0]!), 'utf8');
    expect(eml).toContain('restart@example.com');
    expect(eml.replace(/=\r?\n/g, '')).toContain('/api/auth/verify-email?token=');
    expect(first.output()).toContain('/api/auth/verify-email?token=');

    // Bytes Node's HTTP parser refuses still get the API's error shape.
    const raw = await rawRequest(
      first.url,
      Buffer.from('GET /api/contacts?q=\u043e HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'),
    );
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4))).toEqual({
      detail: 'Malformed HTTP request (URLs must be percent-encoded)',
    });

    expect(await first.stop()).toBe(0);

    // The generated JWT secret was kept in DATA_DIR: the token from before the restart still works.
    const second = await startServer(baseEnv());
    const me = await fetch(`${second.url}/api/auth/me`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { username: string }).username).toBe('restart_user');
    expect(await second.stop()).toBe(0);
  }, 60_000);

  it('refuses to start on a bad setting and names the variable', async () => {
    const badPort = runServer({ ...baseEnv(), PORT: 'eighty' });
    expect(await badPort.exited).toBe(1);
    expect(badPort.output()).toContain('PORT');

    const production = runServer({ ...baseEnv(), NODE_ENV: 'production' });
    expect(await production.exited).toBe(1);
    expect(production.output()).toContain('JWT_SECRET');

    const shortSecret = runServer({ ...baseEnv(), JWT_SECRET: 'too-short' });
    expect(await shortSecret.exited).toBe(1);
    expect(shortSecret.output()).toContain('JWT_SECRET');
  }, 30_000);

  it.runIf(TEST_DATABASE_URL && TEST_REDIS_URL)(
    'runs against PostgreSQL and Redis',
    async () => {
      const server = await startServer({
        ...baseEnv(),
        DATABASE_URL: TEST_DATABASE_URL!,
        REDIS_URL: TEST_REDIS_URL!,
        JWT_SECRET: 'a-production-grade-secret-of-more-than-32-bytes',
        NODE_ENV: 'production',
      });
      const health = await fetch(`${server.url}/health`);
      expect(await health.json()).toEqual({ status: 'healthy', database: 'connected', redis: 'connected' });
      expect(await server.stop()).toBe(0);
    },
    30_000,
  );
});
