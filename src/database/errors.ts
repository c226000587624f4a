interface PgLikeError {
  code?: string;
  constraint?: string;
  message?: string;
  syscall?: string;
  cause?: unknown;
}

/** Drizzle wraps driver errors in DrizzleQueryError; the SQLSTATE is on the innermost cause. */
function driverError(error: unknown): PgLikeError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const candidate = current as PgLikeError;
    if (typeof candidate.code === 'string') return candidate;
    current = candidate.cause;
  }
  return undefined;
}

/** True when the error is a unique-index violation (optionally of the named constraint). */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const found = driverError(error);
  return found?.code === '23505' && (constraint === undefined || found.constraint === constraint);
}

/**
 * Socket errors of the driver's own connection. They count only with a `syscall` (connect, read, write,
 * getaddrinfo): Node raises the same codes without one for an HTTP client that hangs up mid-request
 * ("aborted", ECONNRESET), which is no sign of a database outage.
 */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);

/** True when the error is a CHECK violation, or a trigger's `check_violation`, of the named constraint. */
export function isCheckViolation(error: unknown, constraint: string): boolean {
  const found = driverError(error);
  return found?.code === '23514' && found.constraint === constraint;
}

const CONNECTION_CODES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
]);

/** True when the database could not be reached or went away: the answer is 503, not 500. */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const candidate = current as PgLikeError;
    const code = candidate.code;
    if (code && (CONNECTION_CODES.has(code) || code.startsWith('08'))) return true;
    if (code && SOCKET_CODES.has(code) && typeof candidate.syscall === 'string') return true;
    const message = candidate.message ?? '';
    if (
      /PGlite is closed|Connection terminated|timeout exceeded when trying to connect|Query read timeout|connect ECONNREFUSED|Client has encountered a connection error/i.test(
        message,
      )
    ) {
      return true;
    }
    current = candidate.cause;
  }
  return false;
}
