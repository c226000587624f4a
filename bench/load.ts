import autocannon, { type Options, type Result } from 'autocannon';
import type { Server } from './processes.js';

export interface EventLoopDelay {
  p50: number;
  p99: number;
  max: number;
}

export interface Round {
  rps: number;
  p50: number;
  p99: number;
  max: number;
  /** Mean latency, ms (not rounded to autocannon's 1 ms buckets like the percentiles). */
  mean: number;
  requests: number;
  /** Socket errors, timeouts and non-2xx answers. */
  errors: number;
  statusCodes: Record<string, number>;
  eventLoop?: EventLoopDelay | undefined;
}

export function toRound(result: Result): Round {
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats.count]),
  );
  return {
    rps: Math.round(result.requests.total / Math.max(result.duration, 0.001)),
    p50: result.latency.p50,
    p99: result.latency.p99,
    max: result.latency.max,
    mean: Math.round(result.latency.mean * 100) / 100,
    requests: result.requests.total,
    errors: result.errors + result.timeouts + result.non2xx,
    statusCodes,
  };
}

/** Runs one time-bounded autocannon load; every request carries a 10 s timeout. */
export async function fire(options: Options): Promise<Round> {
  return toRound(await autocannon({ timeout: 10, ...options }));
}

/** Asks the server's event-loop probe for (and resets) its histogram; undefined without a probe. */
export function probeEventLoop(server: Server | undefined): Promise<EventLoopDelay | undefined> {
  const child = server?.child;
  if (!child?.connected || child.exitCode !== null) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(undefined), 2000);
    const onMessage = (message: unknown) => {
      const eld = (message as { eld?: EventLoopDelay } | null)?.eld;
      if (eld) done(eld);
    };
    const done = (value: EventLoopDelay | undefined) => {
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(value);
    };
    child.on('message', onMessage);
    child.send('eld');
  });
}

/** The middle round by req/s (for an even count, the lower middle). */
export function median(rounds: Round[]): Round {
  const sorted = [...rounds].sort((a, b) => a.rps - b.rps);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/**
 * `rounds` rounds of one workload, the server's event-loop delay taken over each; returns every round
 * and the median one.
 */
export async function measure(
  rounds: number,
  server: Server | undefined,
  round: () => Promise<Round>,
): Promise<{ rounds: Round[]; median: Round }> {
  const results: Round[] = [];
  for (let i = 0; i < rounds; i++) {
    await probeEventLoop(server);
    const result = await round();
    results.push({ ...result, eventLoop: await probeEventLoop(server) });
  }
  return { rounds: results, median: median(results) };
}
