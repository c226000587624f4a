import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { MessageResponse, toUserResponse, UserResponse } from '../common/schemas.js';
import { acceptFormBodies } from '../plugins/form-body.js';
import { currentUser } from '../plugins/route-config.js';
import { emailRoutes } from './email-routes.js';
import {
  ChangePasswordBody,
  ErrorRef,
  invalid,
  LoginBody,
  LogoutBody,
  MESSAGES,
  RefreshBody,
  RegisterBody,
  TokenResponse,
} from './schemas.js';

/** Answers carrying tokens or the account must never be kept by a browser or a shared cache. */
function noStore(reply: FastifyReply): void {
  reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache');
}

/**
 * Users and auth: `/api/auth/*` and the `/api/users/me` alias; the email-link flows live in
 * email-routes.ts. Registered without a prefix, so every path here is complete.
 */
export const authRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const auth = app.services.auth;

  app.post(
    '/api/auth/register',
    {
      config: { rateLimit: 'register' },
      schema: {
        tags: ['auth'],
        summary: 'Create an account',
        description:
          'Creates an unverified account (role "user"; an address in ADMIN_EMAILS becomes admin once verified) and mails a verification link valid 24 h. Username and email are unique case-insensitively. Unknown fields are ignored; an empty `full_name` is stored as null.',
        body: RegisterBody,
        response: { 201: UserResponse, 409: ErrorRef, ...invalid },
      },
    },
    async (request, reply) => {
      const { username, email, password, full_name } = request.body;
      const user = await auth.register({ username, email, password, fullName: full_name?.trim() || null });
      return reply.code(201).send(toUserResponse(user));
    },
  );

  await app.register(loginRoute);

  app.post(
    '/api/auth/refresh',
    {
      schema: {
        tags: ['auth'],
        summary: 'Exchange a refresh token for a new pair',
        description:
          'The presented refresh token dies. Presenting a dead one again is treated as theft: 401, and every token of that login (the pair issued in its place too) is revoked.',
        body: RefreshBody,
        response: { 200: TokenResponse, 401: ErrorRef, 403: ErrorRef, ...invalid },
      },
    },
    async (request, reply) => {
      noStore(reply);
      return app.services.sessions.refresh(request.body.refresh_token);
    },
  );

  await app.register(logoutRoute);
  await app.register(emailRoutes);

  app.post(
    '/api/auth/change-password',
    {
      // Its own limit, per user: each call costs two password hashes.
      config: { auth: 'user', rateLimit: 'change_password' },
      schema: {
        tags: ['auth'],
        summary: 'Change your password',
        description: 'Needs the current password. Your other sessions are revoked; this one keeps working.',
        body: ChangePasswordBody,
        response: { 200: MessageResponse, 400: ErrorRef, ...invalid },
      },
    },
    async (request) => {
      const { current_password, new_password } = request.body;
      await auth.changePassword(currentUser(request), current_password, new_password);
      return { message: MESSAGES.passwordChanged };
    },
  );

  for (const url of ['/api/auth/me', '/api/users/me']) {
    app.get(
      url,
      {
        config: { auth: 'user', rateLimit: 'me' },
        schema: {
          tags: [url.startsWith('/api/users') ? 'users' : 'auth'],
          summary: url.startsWith('/api/users') ? 'Your account (alias)' : 'Your account',
          response: { 200: UserResponse },
        },
      },
      async (request, reply) => {
        noStore(reply);
        return toUserResponse(auth.me(currentUser(request)));
      },
    );
  }
};

/**
 * Logout in its own scope, where an empty JSON body counts as no body: clients often send
 * `Content-Type: application/json` with nothing after it for a call whose body is optional.
 */
const logoutRoute: FastifyPluginAsyncTypebox = async (app) => {
  const parseJson = app.getDefaultJsonParser('remove', 'remove');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if ((body as string).trim() === '') done(null, undefined);
    else parseJson(request, body as string, done);
  });

  app.post(
    '/api/auth/logout',
    {
      config: { auth: 'user' },
      schema: {
        tags: ['auth'],
        summary: 'Log out',
        description:
          'The body is optional (none, empty, or `{}`). Ends the session of this access token: it and its refresh token are rejected from then on, on every instance. An optional `refresh_token` of another of your sessions ends that one too (an invalid or foreign one is ignored).',
        body: LogoutBody,
        response: { 204: { type: 'null', description: 'Logged out' } },
      },
    },
    async (request, reply) => {
      await app.services.auth.logout(currentUser(request), request.body?.refresh_token);
      return reply.code(204).send(null);
    },
  );
};

/**
 * Login in its own scope, the only one that parses `application/x-www-form-urlencoded` (OAuth2's password
 * flow): every other JSON route answers a form 415.
 */
const loginRoute: FastifyPluginAsyncTypebox = async (app) => {
  const auth = app.services.auth;
  acceptFormBodies(app);

  app.post(
    '/api/auth/login',
    {
      config: { rateLimit: 'login' },
      schema: {
        tags: ['auth'],
        summary: 'Log in (JSON or OAuth2 password form)',
        description:
          'Takes `username` (the username or the email) and `password` as JSON or as an `application/x-www-form-urlencoded` form (OAuth2 password flow). 401 is the same whether or not the account exists; 403 "Inactive user" or "Email not verified" (while REQUIRE_EMAIL_VERIFICATION) only after a correct password.',
        consumes: ['application/json', 'application/x-www-form-urlencoded'],
        body: LoginBody,
        response: { 200: TokenResponse, 401: ErrorRef, 403: ErrorRef, ...invalid },
      },
    },
    async (request, reply) => {
      noStore(reply);
      return auth.login(request.body.username, request.body.password, request.ip);
    },
  );
};
