import type { IncomingMessage } from 'node:http';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { Config } from '../config/config.js';

const REDACTED = '[REDACTED]';

/** Query parameters whose value is a secret: reset and verification tokens, passwords, keys. */
const SECRET_PARAM = /token|passw|secret|api[_-]?key|signature|^code$|^sig$|^key$/i;
/** Path segments that are secrets: the verification token of `GET /api/auth/confirmed_email/{token}`. */
const SECRET_PATH = /(\/api\/auth\/confirmed_email\/)[^/?#]+/i;

/**
 * Pino paths censored in every log line. Fastify's request serializer below never copies the
 * headers, but errors and hand-written log calls may carry them or a body.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'err.config.headers.authorization',
  '*.password',
  '*.new_password',
  '*.current_password',
  '*.token',
  '*.access_token',
  '*.refresh_token',
];

/**
 * The URL with its secrets replaced: the path token of `confirmed_email/{token}` and the value of
 * every query parameter named like a token, a password or a key. The rest stays as it was sent
 * (not re-encoded), so the log still shows what the client asked for.
 */
export function redactUrl(url: string): string {
  const queryAt = url.indexOf('?');
  const path = (queryAt === -1 ? url : url.slice(0, queryAt)).replace(SECRET_PATH, `$1${REDACTED}`);
  if (queryAt === -1) return path;
  const query = url
    .slice(queryAt + 1)
    .split('&')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const rawName = equals === -1 ? pair : pair.slice(0, equals);
      let name = rawName;
      try {
        name = decodeURIComponent(rawName.replace(/\+/g, ' '));
      } catch {
        // Broken percent-encoding: judge the name as written.
      }
      return equals !== -1 && SECRET_PARAM.test(name) ? `${rawName}=${REDACTED}` : pair;
    })
    .join('&');
  return `${path}?${query}`;
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  hostname?: string;
  ip?: string;
  socket?: IncomingMessage['socket'];
}

/** What a request log line shows (Fastify's default fields), with the URL's secrets redacted. */
export function serializeRequest(req: LoggedRequest) {
  return {
    method: req.method,
    url: req.url === undefined ? undefined : redactUrl(req.url),
    host: req.host ?? req.hostname,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}

/**
 * The process logger: the configured level, secrets redacted in one place (request URLs through
 * the `req` serializer, headers and credential fields through pino's `redact`). Fastify takes it
 * as its `loggerInstance` and keeps these serializers over its own.
 */
export function createLogger(
  config: Pick<Config, 'logLevel'>,
  destination: DestinationStream = pino.destination(1),
): Logger {
  return pino(
    {
      level: config.logLevel,
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      serializers: { req: serializeRequest, err: pino.stdSerializers.err },
    },
    destination,
  );
}
