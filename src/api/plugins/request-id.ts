import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A request id a client may choose: short, and nothing a log line or a header could be broken with. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * The id of a request: the client's `X-Request-Id` when it is at most 64 characters of [A-Za-z0-9._-]
 * (so a caller can follow its request through the logs), else a fresh UUID. An id of any length or
 * characters would be echoed in every answer and written to every log line of the request.
 */
export function requestId(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
}
