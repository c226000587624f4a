import type { Request } from 'autocannon';
import { fire, measure, type Round } from './load.js';
import type { Server } from './processes.js';
import { SEARCH_QUERIES } from './seed-data.js';

export interface Workload {
  id: string;
  endpoint: string;
  target: 'service' | 'baseline' | 'embedded';
  connections: number;
  rounds: Round[];
  median: Round;
  /** Extra numbers (e.g. the list p99 measured during logins). */
  extra?: Record<string, unknown>;
}

export interface Context {
  server: Server;
  token: string;
  connections: number;
  seconds: number;
  rounds: number;
}

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

/** A request whose path cycles over `paths`, one per request. */
export function rotating(paths: string[]): Request[] {
  let next = 0;
  return [{ setupRequest: (request) => ({ ...request, path: paths[next++ % paths.length]! }) }];
}

/** A GET workload of `rounds` time-bounded rounds. */
export async function getWorkload(
  ctx: Context,
  id: string,
  endpoint: string,
  target: Workload['target'],
  paths: string[],
): Promise<Workload> {
  const result = await measure(ctx.rounds, ctx.server, () =>
    fire({
      url: `${ctx.server.url}${paths[0]}`,
      connections: ctx.connections,
      duration: ctx.seconds,
      headers: auth(ctx.token),
      ...(paths.length > 1 ? { requests: rotating(paths) } : {}),
    }),
  );
  return { id, endpoint, target, connections: ctx.connections, ...result };
}

export const searchPaths = () => SEARCH_QUERIES.map((q) => `/api/contacts/search/${encodeURIComponent(q)}`);

/** POST /api/contacts with a fresh email per request (the book's unique index must never fire). */
export async function createWorkload(ctx: Context, target: Workload['target']): Promise<Workload> {
  const runId = Date.now().toString(36);
  let n = 0;
  const result = await measure(ctx.rounds, ctx.server, () =>
    fire({
      url: `${ctx.server.url}/api/contacts`,
      connections: ctx.connections,
      duration: ctx.seconds,
      method: 'POST',
      headers: { ...auth(ctx.token), 'content-type': 'application/json' },
      requests: [
        {
          setupRequest: (request) => {
            const i = n++;
            return {
              ...request,
              body: JSON.stringify({
                first_name: i % 2 ? 'Новий' : 'New',
                last_name: `Contact${i}`,
                email: `post-${runId}-${i}@bench.example`,
                phone: `+38050${String(i % 10_000_000).padStart(7, '0')}`,
                birthday: `19${70 + (i % 30)}-0${1 + (i % 9)}-1${i % 10}`,
              }),
            };
          },
        },
      ],
    }),
  );
  return { id: 'create', endpoint: 'POST /api/contacts', target, connections: ctx.connections, ...result };
}

/**
 * `logins` concurrent logins (PBKDF2 at the seeded rounds) rotating over seeded users, while
 * `ctx.connections` connections read GET /api/contacts?limit=20: the reads' p99 and the event loop's
 * delay show whether password hashing starves everything else.
 */
export async function loginsWorkload(ctx: Context, logins: number, usernames: string[], password: string) {
  let n = 0;
  const reads: Round[] = [];
  const result = await measure(ctx.rounds, ctx.server, async () => {
    const [loginRound, readRound] = await Promise.all([
      fire({
        url: `${ctx.server.url}/api/auth/login`,
        connections: logins,
        duration: ctx.seconds,
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        requests: [
          {
            setupRequest: (request) => ({
              ...request,
              body: JSON.stringify({ username: usernames[n++ % usernames.length], password }),
            }),
          },
        ],
      }),
      fire({
        url: `${ctx.server.url}/api/contacts?limit=20`,
        connections: ctx.connections,
        duration: ctx.seconds,
        headers: auth(ctx.token),
      }),
    ]);
    reads.push(readRound);
    return loginRound;
  });
  const index = result.rounds.indexOf(result.median);
  const login: Workload = {
    id: 'logins',
    endpoint: `POST /api/auth/login (${logins} at once, PBKDF2)`,
    target: 'service',
    connections: logins,
    ...result,
  };
  const during: Workload = {
    id: 'list-during-logins',
    endpoint: 'GET /api/contacts?limit=20 during the logins',
    target: 'service',
    connections: ctx.connections,
    rounds: reads,
    median: { ...reads[index]!, eventLoop: result.median.eventLoop },
  };
  return [login, during];
}
