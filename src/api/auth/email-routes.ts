import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../../errors.js';
import { MessageResponse } from '../common/schemas.js';
import { prefersHtml, RESET_PASSWORD_SCRIPT, resetPasswordPage, verifyEmailPage } from './pages.js';
import {
  EmailBody,
  ErrorRef,
  invalid,
  MESSAGES,
  ResetPageQuery,
  ResetPasswordBody,
  TextBody,
  TokenParams,
  TokenQuery,
} from './schemas.js';

const HTML = 'text/html; charset=utf-8';

/**
 * The flows that start from a mailed link: email verification (JSON or, for a browser, an HTML
 * page), resending it, password reset, and the reset page with its script.
 */
export const emailRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const auth = app.services.auth;

  const verifyDescription =
    'Marks the email verified when the link is valid (24 h) and the account still has that address. A browser (`Accept` preferring text/html) gets a small HTML page with the same message and status.';
  const verifyResponses = {
    200: {
      content: { 'application/json': { schema: MessageResponse }, 'text/html': { schema: TextBody } },
    },
    400: { content: { 'application/json': { schema: ErrorRef }, 'text/html': { schema: TextBody } } },
  };
  const verify = async (token: string, request: FastifyRequest, reply: FastifyReply) => {
    const html = prefersHtml(request.headers.accept);
    // Appended, not set: the CORS plugin has already put `Origin` there.
    const vary = reply.getHeader('vary');
    reply.header('Vary', vary ? `${String(vary)}, Accept` : 'Accept');
    try {
      const outcome = await auth.verifyEmail(token);
      const message = outcome === 'verified' ? MESSAGES.verified : MESSAGES.alreadyVerified;
      return html ? reply.type(HTML).send(verifyEmailPage(message, true)) : reply.send({ message });
    } catch (error) {
      if (!html || !(error instanceof AppError) || error.code !== 'INVALID_VERIFICATION_TOKEN') throw error;
      return reply.code(400).type(HTML).send(verifyEmailPage(error.detail, false));
    }
  };
  app.get(
    '/api/auth/verify-email',
    {
      config: { rateLimit: 'verify' },
      schema: {
        tags: ['auth'],
        summary: 'Verify an email address (the link from the mail)',
        description: verifyDescription,
        querystring: TokenQuery,
        response: { ...verifyResponses, ...invalid },
      },
    },
    async (request, reply) => verify(request.query.token, request, reply),
  );
  app.get(
    '/api/auth/confirmed_email/:token',
    {
      config: { rateLimit: 'verify' },
      schema: {
        tags: ['auth'],
        summary: 'Verify an email address (alias with the token in the path)',
        description: verifyDescription,
        params: TokenParams,
        response: verifyResponses,
      },
    },
    async (request, reply) => verify(request.params.token, request, reply),
  );

  for (const url of ['/api/auth/resend-verification', '/api/auth/request_email']) {
    app.post(
      url,
      {
        config: { rateLimit: 'resend' },
        schema: {
          tags: ['auth'],
          summary: url.endsWith('request_email')
            ? 'Resend the verification email (alias)'
            : 'Resend the verification email',
          description:
            'Always the same answer, so it does not reveal which addresses have accounts; mails a new link only to an existing unverified account.',
          body: EmailBody,
          response: { 200: MessageResponse, ...invalid },
        },
      },
      async (request) => {
        await auth.resendVerification(request.body.email);
        return { message: MESSAGES.resendAccepted };
      },
    );
  }

  app.post(
    '/api/auth/forgot-password',
    {
      config: { rateLimit: 'forgot' },
      schema: {
        tags: ['auth'],
        summary: 'Mail a password reset link',
        description:
          'Always the same answer; mails a link to the reset page (valid 1 h, single use) only to an existing active account.',
        body: EmailBody,
        response: { 200: MessageResponse, ...invalid },
      },
    },
    async (request) => {
      await auth.forgotPassword(request.body.email);
      return { message: MESSAGES.forgotAccepted };
    },
  );

  app.post(
    '/api/auth/reset-password',
    {
      config: { rateLimit: 'reset' },
      schema: {
        tags: ['auth'],
        summary: 'Set a new password with a reset token',
        description:
          'The token works once and for 1 h; it also dies when the password changes otherwise, and is refused for a deactivated account. Every session of the user is revoked.',
        body: ResetPasswordBody,
        response: { 200: MessageResponse, 400: ErrorRef, ...invalid },
      },
    },
    async (request) => {
      await auth.resetPassword(request.body.token, request.body.new_password);
      return { message: MESSAGES.passwordReset };
    },
  );

  app.get(
    '/reset-password',
    {
      schema: {
        tags: ['auth'],
        summary: 'The password reset page (HTML) that the reset email links to',
        description: 'Reads `token` from its address in the browser; never echoes it into the page.',
        querystring: ResetPageQuery,
        response: { 200: { content: { 'text/html': { schema: TextBody } } } },
      },
    },
    async (_request, reply) => reply.header('Cache-Control', 'no-store').type(HTML).send(resetPasswordPage()),
  );

  app.get(
    '/reset-password.js',
    {
      schema: {
        tags: ['auth'],
        summary: 'The script of the password reset page',
        description:
          'Served apart from the page because the Content-Security-Policy allows same-origin scripts only.',
        response: { 200: { content: { 'application/javascript': { schema: TextBody } } } },
      },
    },
    async (_request, reply) =>
      reply.type('application/javascript; charset=utf-8').send(RESET_PASSWORD_SCRIPT),
  );
};
