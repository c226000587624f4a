import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, TEST_DATABASE_URL, TEST_REDIS_URL, type TestContext } from '../helpers/app.js';
import { createTestDatabase, type ServerProcess, startServer } from '../helpers/process.js';

/** A raw client socket that records what the server sends and when it closes the connection. */
function openSocket(port: number) {
  const socket: Socket = connect(port, '127.0.0.1');
  let answer = '';
  socket.on('data', (chunk) => {
    answer += chunk;
  });
  socket.on('error', () => {});
  const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now())));
  const connected = new Promise<void>((resolve) => socket.on('connect', () => resolve()));
  return { socket, closed, connected, answer: () => answer };
}

/** Writes one byte every `everyMs` until the socket closes or `maxMs` has passed; resolves when done. */
async function trickle(socket: Socket, text: string, everyMs: number, maxMs: number): Promise<void> {
  const stop = Date.now() + maxMs;
  for (const char of text) {
    if (socket.destroyed || Date.now() > stop) return;
    socket.write(char);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

describe('a client that trickles its request is cut off', () => {
  let ctx: TestContext;
  let port: number;
  beforeAll(async () => {
    ctx = await createTestApp({ REQUEST_TIMEOUT_MS: '2000' });
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    port = (ctx.app.server.address() as { port: number }).port;
  });
  afterAll(() => ctx?.close());

  it('a body sent one byte at a time is answered 408 and closed at the request timeout', async () => {
    const client = openSocket(port);
    await client.connected;
    const started = Date.now();
    client.socket.write(
      'POST /api/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n',
    );
    // One byte every 400 ms keeps the socket busy (no idle timeout), but the whole request is late.
    void trickle(client.socket, `{"username":"${'s'.repeat(380)}`, 400, 10_000);
    const closedAt = await Promise.race([
      client.closed,
      new Promise<number>((resolve) => setTimeout(() => resolve(Number.POSITIVE_INFINITY), 8000)),
    ]);
    client.socket.destroy();
    expect(closedAt - started).toBeLessThan(6000);
    expect(client.answer()).toMatch(/^HTTP\/1\.1 408/);
    expect(client.answer()).toContain('{"detail":"Request timeout"}');
  }, 15_000);

  it('headers sent one byte at a time are cut off at the same deadline', async () => {
    const client = openSocket(port);
    await client.connected;
    const started = Date.now();
    void trickle(client.socket, `GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ${'h'.repeat(100)}`, 300, 10_000);
    const closedAt = await Promise.race([
      client.closed,
      new Promise<number>((resolve) => setTimeout(() => resolve(Number.POSITIVE_INFINITY), 8000)),
    ]);
    client.socket.destroy();
    expect(closedAt - started).toBeLessThan(6000);
  }, 15_000);
});

describe('a connection cap', () => {
  let ctx: TestContext;
  let port: number;
  beforeAll(async () => {
    ctx = await createTestApp({ MAX_CONNECTIONS: '2' });
    await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    port = (ctx.app.server.address() as { port: number }).port;
  });
  afterAll(() => ctx?.close());

  it('closes connections past MAX_CONNECTIONS at once and keeps serving the others', async () => {
    const first = openSocket(port);
    const second = openSocket(port);
    await Promise.all([first.connected, second.connected]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const third = openSocket(port);
    const started = Date.now();
    const closedAt = await Promise.race([
      third.closed,
      new Promise<number>((resolve) => setTimeout(() => resolve(Number.POSITIVE_INFINITY), 3000)),
    ]);
    expect(closedAt - started).toBeLessThan(2000);
    expect(third.answer()).toBe('');

    first.socket.write('GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await first.closed;
    expect(first.answer()).toMatch(/^HTTP\/1\.1 200/);
    second.socket.destroy();
  }, 10_000);
});

describe('a client that hangs up mid-body', () => {
  let dataDir: string;
  let server: ServerProcess;
  let database: { url: string; drop(): Promise<void> } | undefined;
  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'contacts-abort-'));
    database = TEST_DATABASE_URL ? await createTestDatabase(TEST_DATABASE_URL) : undefined;
    server = await startServer(
      {
        DATA_DIR: dataDir,
        PASSWORD_HASH_ITERATIONS: '1000',
        ...(database ? { DATABASE_URL: database.url } : {}),
        ...(TEST_REDIS_URL ? { REDIS_URL: TEST_REDIS_URL } : {}),
      },
      90_000,
    );
  }, 150_000);
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is logged as a client that left, never as "database unavailable"', async () => {
    for (let i = 0; i < 3; i++) {
      const client = openSocket(server.port);
      await client.connected;
      client.socket.write(
        'POST /api/auth/register HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"username":"half',
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      client.socket.destroy();
      await client.closed;
    }
    const deadline = Date.now() + 5000;
    while (!server.output().includes('client closed the connection') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(server.output()).toContain('client closed the connection');
    expect(server.output()).not.toContain('database unavailable');
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  }, 30_000);
});
