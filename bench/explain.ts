import pg from 'pg';
import type { CapturedQuery } from './capture.js';

export interface PlanSummary {
  label: string;
  executionMs: number;
  /** Indexes the plan reads (from "Index Scan using X", "Bitmap Index Scan on X"…). */
  indexes: string[];
  seqScan: boolean;
  /** Rows the plan read from contacts before the LIMIT, roughly "how much of the book" it touched. */
  rowsRead: number;
  plan: string;
}

/** EXPLAIN (ANALYZE, BUFFERS) of each captured query with its own parameters. */
export async function explain(url: string, queries: CapturedQuery[]): Promise<PlanSummary[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const summaries: PlanSummary[] = [];
    for (const query of queries) {
      // Twice: the first run warms the cache, the second is the one reported.
      await client.query(`explain (analyze, buffers) ${query.sql}`, query.params);
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(
        `explain (analyze, buffers) ${query.sql}`,
        query.params,
      );
      const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
      const indexes = [...plan.matchAll(/Index(?: Only)? Scan(?: Backward)? (?:using|on) (\S+)/g)].map(
        (m) => m[1]!,
      );
      // Scan nodes on the contacts table itself (not its indexes): rows they returned plus rows they threw away.
      const scans = [
        ...plan.matchAll(
          /Scan[^\n]* on contacts(?: \w+)?\s+\([^\n]*actual time=[\d.]+\.\.[\d.]+ rows=(\d+) loops=(\d+)/g,
        ),
      ];
      const removed = [...plan.matchAll(/Rows Removed by (?:Filter|Index Recheck): (\d+)/g)];
      summaries.push({
        label: query.label,
        executionMs: Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? Number.NaN),
        indexes: [...new Set(indexes)],
        seqScan: /Seq Scan on (contacts|users|sessions)/.test(plan),
        rowsRead:
          scans.reduce((sum, m) => sum + Number(m[1]) * Number(m[2]), 0) +
          removed.reduce((sum, m) => sum + Number(m[1]), 0),
        plan,
      });
    }
    return summaries;
  } finally {
    await client.end();
  }
}

/** The plans as one text file, each headed by its label, SQL and parameters. */
export function plansText(queries: CapturedQuery[], summaries: PlanSummary[]): string {
  return summaries
    .map((summary, i) => {
      const query = queries[i]!;
      return [
        `=== ${summary.label}`,
        query.sql,
        `-- params: ${JSON.stringify(query.params)}`,
        `-- indexes: ${summary.indexes.join(', ') || 'none'}; seq scan: ${summary.seqScan}; rows read from contacts: ${summary.rowsRead}`,
        summary.plan,
        '',
      ].join('\n');
    })
    .join('\n');
}
