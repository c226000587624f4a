import type { FastifyInstance } from 'fastify';

/**
 * Lets the routes of one encapsulated scope take `application/x-www-form-urlencoded` bodies. Only the
 * login route's scope does (OAuth2's password flow posts a form); everywhere else a form is 415, so a
 * cross-site `<form>` can never create an account or send mail.
 */
export function acceptFormBodies(scope: FastifyInstance): void {
  scope.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      // A repeated field keeps its first value, so every field stays text, as the schema expects.
      const fields: Record<string, string> = {};
      for (const [name, value] of new URLSearchParams(body as string)) {
        if (!Object.hasOwn(fields, name) && name !== '__proto__') fields[name] = value;
      }
      done(null, fields);
    },
  );
}
