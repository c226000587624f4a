export interface RateLimitSpec {
  /** Requests allowed per window. */
  points: number;
  /** Window length in seconds. */
  durationSeconds: number;
}

const PERIOD_SECONDS: Record<string, number> = {
  second: 1,
  minute: 60,
  hour: 3600,
  day: 86_400,
};

/**
 * Parses a limit written as `N/second|minute|hour|day` (plural and surrounding spaces allowed).
 * Returns undefined for anything else, so the caller can name the bad variable.
 */
export function parseRateLimit(text: string): RateLimitSpec | undefined {
  const match = /^\s*(\d{1,9})\s*\/\s*(second|minute|hour|day)s?\s*$/i.exec(text);
  if (!match) return undefined;
  const points = Number(match[1]);
  if (points < 1) return undefined;
  return { points, durationSeconds: PERIOD_SECONDS[match[2]!.toLowerCase()]! };
}
