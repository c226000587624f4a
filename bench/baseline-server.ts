/**
 * The yardstick: plain node:http + pg + jose, no framework, no validation, no cache. It runs the same
 * SQL as the service (baseline-sql.ts) on the same database, so the service's ratio to it measures
 * what the framework, validation, serialisation and the auth layer cost on this machine.
 *
 *   GET /api/contacts?skip=&limit=  verify the JWT, one page + the kept count, X-Total-Count
 *   GET /api/auth/me                verify the JWT, the session+user query, every time
 *   GET /token                      verify the JWT only (no database): the ceiling for /api/auth/me
 */
import http from 'node:http';
import { jwtVerify } from 'jose';
import pg from 'pg';
import { LIST_PAGE_SQL, ME_SQL } from './baseline-sql.js';

// Dates as 'YYYY-MM-DD' strings, as the service returns them.
pg.types.setTypeParser(1082, (value) => value);

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const key = new TextEncoder().encode(process.env.JWT_SECRET);

async function claims(req: http.IncomingMessage) {
  const token = req.headers.authorization?.slice('Bearer '.length) ?? '';
  const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'] });
  if (payload.type !== 'access') throw new Error('not an access token');
  return { userId: Number(payload.sub), sessionId: String(payload.sid) };
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/health') return send(res, 200, { status: 'healthy' });
  let who: Awaited<ReturnType<typeof claims>>;
  try {
    who = await claims(req);
  } catch {
    return send(res, 401, { detail: 'Could not validate credentials' });
  }
  if (url.pathname === '/token') return send(res, 200, { id: who.userId, sid: who.sessionId });
  if (url.pathname === '/api/auth/me') {
    const { rows } = await pool.query(ME_SQL, [who.sessionId, who.userId]);
    if (!rows[0]) return send(res, 401, { detail: 'Could not validate credentials' });
    const { password_hash: _hash, expires_at: _expires, ...user } = rows[0];
    return send(res, 200, user);
  }
  if (url.pathname === '/api/contacts') {
    const skip = Number(url.searchParams.get('skip') ?? 0);
    const limit = Number(url.searchParams.get('limit') ?? 100);
    const { userId } = who;
    const { rows } = await pool.query(LIST_PAGE_SQL, [userId, userId, 0, limit, skip]);
    const total = rows[0]?.coalesce ?? 0;
    return send(
      res,
      200,
      rows.map(({ coalesce: _total, ...row }) => row),
      { 'x-total-count': String(total) },
    );
  }
  return send(res, 404, { detail: 'Not Found' });
}

const server = http.createServer((req, res) => {
  handle(req, res).catch(() => send(res, 500, { detail: 'Internal server error' }));
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  pool.end().finally(() => process.exit(0));
});
