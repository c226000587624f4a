import type { PlanSummary } from './explain.js';
import type { Workload } from './workloads.js';

export interface Check {
  /** The workload row (service) the check belongs to, when there is one. */
  id?: string;
  workload: string;
  target: string;
  measured: string;
  met: boolean;
}

export interface GrowthRow {
  endpoint: string;
  /** Per book size (ascending): the median round. */
  sizes: { contacts: number; p50: number; p99: number; mean: number; rps: number }[];
}

export interface Evaluated {
  workloads: Workload[];
  plans: PlanSummary[];
  growth: GrowthRow[];
  rssMb: number | undefined;
  startupMs: number | undefined;
  bigBook: number;
  /** False when bench/baseline-sql.ts no longer runs what the service runs: ratios mean nothing then. */
  baselineSqlMatches: boolean;
}

const find = (workloads: Workload[], id: string, target = 'service') =>
  workloads.find((w) => w.id === id && w.target === target);

/** Service req/s over the baseline's for the workloads that have a yardstick. */
export function ratioToBaseline(workloads: Workload[], workload: Workload): number | undefined {
  if (workload.target !== 'service') return undefined;
  const yardsticks: Record<string, string | undefined> = {
    list: 'list',
    deep: 'deep',
    me: 'token',
    // The book written through the API: the baseline runs the same SQL on the same book.
    'fresh-list': 'fresh-list',
    'fresh-list-vacuumed': 'fresh-list-vacuumed',
  };
  const yardstick = yardsticks[workload.id];
  const baseline = yardstick ? find(workloads, yardstick, 'baseline') : undefined;
  return baseline ? workload.median.rps / baseline.median.rps : undefined;
}

const pct = (ratio: number | undefined) => (ratio === undefined ? 'n/a' : `${Math.round(ratio * 100)} %`);
const DRIFTED = " (baseline SQL differs from the service's: not comparable)";

/** The targets, each with the number that decides it. */
export function evaluate(e: Evaluated): Check[] {
  const checks: Check[] = [];
  let id: string | undefined;
  const add = (workload: string, target: string, measured: string, met: boolean) =>
    checks.push({ ...(id ? { id } : {}), workload, target, measured, met });
  const w = (id: string) => find(e.workloads, id);
  const plans = (prefix: string) => e.plans.filter((p) => p.label.startsWith(prefix));
  const indexed = (list: PlanSummary[]) =>
    list.length > 0 && list.every((p) => p.indexes.length > 0 && !p.seqScan && p.rowsRead < e.bigBook / 2);

  id = 'list';
  const list = w('list');
  if (list) {
    const ratio = ratioToBaseline(e.workloads, list);
    const same = e.baselineSqlMatches;
    add(
      'GET /api/contacts?limit=20',
      '≥ 60 % of baseline req/s',
      pct(ratio) + (same ? '' : DRIFTED),
      same && (ratio ?? 0) >= 0.6,
    );
    add(
      'GET /api/contacts?limit=20',
      'p99 ≤ 25 ms at 20 connections',
      `${list.median.p99} ms`,
      list.median.p99 <= 25,
    );
  }
  for (const [freshId, when] of [
    ['fresh-list', 'just written through the API'],
    ['fresh-list-vacuumed', 'the same book after VACUUM ANALYZE'],
  ] as const) {
    id = freshId;
    const fresh = w(freshId);
    if (!fresh) continue;
    const ratio = ratioToBaseline(e.workloads, fresh);
    const label = `GET /api/contacts?limit=20, ${when}`;
    add(label, '≥ 60 % of baseline req/s', pct(ratio), e.baselineSqlMatches && (ratio ?? 0) >= 0.6);
    add(label, 'p99 ≤ 25 ms at 20 connections', `${fresh.median.p99} ms`, fresh.median.p99 <= 25);
  }
  id = 'fresh-list';
  const freshPlans = plans('fresh book:');
  if (freshPlans.length > 0) {
    add(
      'GET /api/contacts?limit=20 on the book just written',
      'EXPLAIN: a page of rows read, not the book, before and after VACUUM ANALYZE',
      freshPlans
        .map((p) => `${p.label.replace('fresh book: list ?limit=20, ', '')}: ${p.rowsRead} rows`)
        .join('; '),
      freshPlans.every((p) => !p.seqScan && p.rowsRead <= 100),
    );
  }
  id = 'deep';
  const deep = w('deep');
  if (deep) add(deep.endpoint, 'p99 ≤ 50 ms', `${deep.median.p99} ms`, deep.median.p99 <= 50);
  id = 'keyset';
  const keyset = w('keyset');
  if (keyset) {
    add(
      `${keyset.endpoint} (the same deep page by keyset cursor)`,
      'p99 ≤ 50 ms',
      `${keyset.median.p99} ms`,
      keyset.median.p99 <= 50,
    );
  }
  id = 'search';
  const search = w('search');
  if (search) {
    add('GET /api/contacts/search/{q}', 'p99 ≤ 30 ms', `${search.median.p99} ms`, search.median.p99 <= 30);
    const p = plans('search/');
    add(
      'GET /api/contacts/search/{q}',
      'EXPLAIN: an index, not a scan of the book',
      p.map((x) => `${x.label}: ${x.indexes.join('+') || 'no index'}, ${x.rowsRead} rows`).join('; '),
      indexed(p),
    );
  }
  id = 'birthdays';
  const birthdays = w('birthdays');
  if (birthdays) {
    add(birthdays.endpoint, 'p99 ≤ 30 ms', `${birthdays.median.p99} ms`, birthdays.median.p99 <= 30);
    const p = plans('birthdays');
    add(
      birthdays.endpoint,
      'EXPLAIN: no scan of the book',
      p.map((x) => `${x.indexes.join('+') || 'no index'}, ${x.rowsRead} rows`).join('; '),
      indexed(p),
    );
  }
  id = 'create';
  const create = w('create');
  if (create) {
    add('POST /api/contacts', '≥ 1 500 req/s', `${create.median.rps} req/s`, create.median.rps >= 1500);
    add(
      'POST /api/contacts',
      'no errors',
      `${create.rounds.reduce((s, r) => s + r.errors, 0)} errors`,
      create.rounds.every((r) => r.errors === 0),
    );
  }
  id = 'me';
  const me = w('me');
  if (me) {
    const ratio = ratioToBaseline(e.workloads, me);
    add('GET /api/auth/me', '≥ 70 % of baseline token-check req/s', pct(ratio), (ratio ?? 0) >= 0.7);
  }
  id = 'list-during-logins';
  const during = w('list-during-logins');
  if (during) {
    add(
      '8 logins + GET /api/contacts',
      'list p99 ≤ 100 ms',
      `${during.median.p99} ms`,
      during.median.p99 <= 100,
    );
    const eld = during.median.eventLoop?.p99;
    add(
      '8 logins + GET /api/contacts',
      'event-loop delay p99 ≤ 20 ms',
      eld === undefined ? 'not measured' : `${eld} ms`,
      eld !== undefined && eld <= 20,
    );
  }
  id = undefined;
  if (e.rssMb !== undefined) add('server memory', 'RSS ≤ 200 MB at the end', `${e.rssMb} MB`, e.rssMb <= 200);
  if (e.startupMs !== undefined) {
    add(
      'start-up, embedded, existing data',
      '/health 200 in ≤ 3 s',
      `${e.startupMs} ms`,
      e.startupMs <= 3000,
    );
  }
  for (const row of e.growth) {
    const first = row.sizes[0];
    const last = row.sizes[row.sizes.length - 1];
    if (!first || !last) continue;
    const grew = last.mean / Math.max(first.mean, 0.01);
    const booksGrew = last.contacts / first.contacts;
    add(
      `growth: ${row.endpoint}`,
      `clearly sub-linear (mean latency ×≤ ${booksGrew / 10} for a ${booksGrew}× book)`,
      `×${grew.toFixed(1)} (${first.mean} → ${last.mean} ms)`,
      grew <= booksGrew / 10,
    );
  }
  return checks;
}
