import type { FastifyError, FastifyInstance } from 'fastify';
import FindMyWay, { type HTTPMethod, type HTTPVersion } from 'find-my-way';
import { isDatabaseUnavailable } from '../../database/errors.js';
import { AppError, ValidationError } from '../../errors.js';

type ValidationItem = { loc: (string | number)[]; msg: string; type: string };

const LOCATION: Record<string, string> = {
  body: 'body',
  querystring: 'query',
  params: 'path',
  headers: 'header',
};

/** Fastify's (ajv's) validation errors in FastAPI's `{"detail":[{loc,msg,type}]}` shape. */
function toValidationItems(error: FastifyError): ValidationItem[] {
  const where = LOCATION[error.validationContext ?? 'body'] ?? 'body';
  return (error.validation ?? []).map((issue) => {
    const path = issue.instancePath
      .split('/')
      .slice(1)
      .map((part) => (/^\d+$/.test(part) ? Number(part) : part.replace(/~1/g, '/').replace(/~0/g, '~')));
    const params = issue.params as Record<string, unknown>;
    if (issue.keyword === 'required') {
      return {
        loc: [where, ...path, String(params.missingProperty)],
        msg: 'Field required',
        type: 'missing',
      };
    }
    const type =
      {
        minLength: 'string_too_short',
        maxLength: 'string_too_long',
        format: 'value_error',
        pattern: 'string_pattern_mismatch',
      }[issue.keyword] ?? issue.keyword;
    return { loc: [where, ...path], msg: issue.message ?? 'Invalid value', type };
  });
}

/** Fastify's own 4xx errors that we answer with a fixed, safe message. */
const FRAMEWORK_ERRORS: Record<string, [number, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'Request body too large'],
  FST_REQ_FILE_TOO_LARGE: [413, 'File too large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'Unsupported media type'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'Request body is empty'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'Malformed JSON body'],
  FST_INVALID_MULTIPART_CONTENT_TYPE: [400, 'Expected a multipart/form-data request'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'Invalid Content-Length'],
};

/**
 * The one place errors become HTTP answers. Every body is `{"detail": ...}`; nothing internal (stack,
 * SQL, path) ever reaches the client; 5xx are logged with the request.
 */
export async function errorHandling(app: FastifyInstance) {
  // Wrong method on a known path is 405, not 404: keep a router of every path to ask.
  const knownPaths = FindMyWay<HTTPVersion.V1>();
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods as HTTPMethod[]) {
      if (!knownPaths.hasRoute(method, route.url)) knownPaths.on(method, route.url, () => {});
    }
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0] ?? '/';
    const allowed = (['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const).filter((method) =>
      knownPaths.find(method, path),
    );
    // A route that matched but found nothing (a missing /docs/static file) is a 404, not a 405.
    if (allowed.length > 0 && !allowed.some((method) => method === request.method)) {
      return reply.code(405).header('Allow', allowed.join(', ')).send({ detail: 'Method Not Allowed' });
    }
    return reply.code(404).send({ detail: 'Not Found' });
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      if (error.status === 401) reply.header('WWW-Authenticate', 'Bearer');
      return reply
        .code(error.status)
        .headers(error.headers)
        .send({ detail: error.detail, ...error.extra });
    }
    if (error instanceof ValidationError) return reply.code(422).send({ detail: error.items });
    if (error.validation) return reply.code(422).send({ detail: toValidationItems(error) });

    const clientGone = request.raw.destroyed || request.raw.socket?.destroyed;
    if (clientGone && error.statusCode !== undefined && error.statusCode < 500) {
      // The client hung up mid-body: nobody is left to answer, and it is not the server's fault.
      request.log.info({ code: error.code }, 'client closed the connection before the answer');
      return reply.code(400).send({ detail: 'Client closed request' });
    }
    const known = error.code ? FRAMEWORK_ERRORS[error.code] : undefined;
    if (known) return reply.code(known[0]).send({ detail: known[1] });
    if (error instanceof SyntaxError && error.statusCode === 400) {
      return reply.code(400).send({ detail: 'Malformed JSON body' });
    }
    if (isDatabaseUnavailable(error)) {
      request.log.warn({ err: error }, 'database unavailable');
      return reply.code(503).header('Retry-After', '5').send({ detail: 'Service temporarily unavailable' });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Framework 4xx messages describe the request, not the server; keep them, minus anything odd.
      return reply.code(status).send({ detail: error.message.slice(0, 200) });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send({ detail: 'Internal server error' });
  });
}
