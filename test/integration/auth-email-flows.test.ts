import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { usersRepository } from '../../src/repository/users-repository.js';
import { createTestApp, json, type TestContext, type TestUser, unique } from '../helpers/app.js';
import { tokenFromMail } from '../helpers/smtp.js';

const VERIFIED = { message: 'Email successfully verified' };
const ALREADY = { message: 'Email already verified' };
const BAD_VERIFY = { detail: 'Invalid or expired verification token' };
const BAD_RESET = { detail: 'Invalid or expired reset token' };
const RESEND = { message: 'If the email exists and is not verified, a verification email has been sent' };
const FORGOT = { message: 'If the email exists and is active, password reset instructions have been sent' };

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestApp();
});
afterAll(async () => {
  await ctx?.close();
});

const post = (url: string, payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
  ctx.app.inject({ method: 'POST', url, payload, headers });
const login = (username: string, password: string) => post('/api/auth/login', { username, password });
const me = (accessToken: string) =>
  ctx.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${accessToken}` } });
const verify = (token: string, accept?: string) =>
  ctx.app.inject({
    url: `/api/auth/verify-email?token=${encodeURIComponent(token)}`,
    headers: accept ? { accept } : {},
  });

/** Mail is sent in the background: give a mail that should not come the time to arrive anyway. */
async function expectNoMail(to: string) {
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(ctx.smtp.mailsTo(to)).toHaveLength(0);
}

async function registerUnverified() {
  const username = unique('mail');
  const account = { username, email: `${username}@example.com`, password: 'first-password-1' };
  expect((await post('/api/auth/register', account)).statusCode).toBe(201);
  return account;
}

async function requestReset(user: { email: string }) {
  const res = await post('/api/auth/forgot-password', { email: user.email });
  expect(res.statusCode).toBe(200);
  expect(json(res)).toEqual(FORGOT);
  const mail = await ctx.smtp.waitForMail(user.email, { subject: /reset/i });
  expect(mail.text).toMatch(/^http:\/\/localhost:8000\/reset-password\?token=[\w.-]+$/m);
  expect(mail.html).toContain('/reset-password?token=');
  return tokenFromMail(mail);
}

describe('email verification', () => {
  it('verifies through the link of the real mail, after which login works', async () => {
    const account = await registerUnverified();
    expect(json(await login(account.username, account.password))).toEqual({ detail: 'Email not verified' });

    const mail = await ctx.smtp.waitForMail(account.email);
    expect(mail.subject).toMatch(/confirm/i);
    const res = await verify(tokenFromMail(mail));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(json(res)).toEqual(VERIFIED);

    const again = await verify(tokenFromMail(mail));
    expect(again.statusCode).toBe(200);
    expect(json(again)).toEqual(ALREADY);

    const loggedIn = await login(account.username, account.password);
    expect(loggedIn.statusCode).toBe(200);
    expect(json(await me(json(loggedIn).access_token)).is_verified).toBe(true);
  });

  it('also verifies at the alias /api/auth/confirmed_email/{token}', async () => {
    const account = await registerUnverified();
    const token = tokenFromMail(await ctx.smtp.waitForMail(account.email));
    const res = await ctx.app.inject({ url: `/api/auth/confirmed_email/${token}` });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toEqual(VERIFIED);
    expect(json(await ctx.app.inject({ url: `/api/auth/confirmed_email/${token}` }))).toEqual(ALREADY);
    const bad = await ctx.app.inject({ url: '/api/auth/confirmed_email/nonsense' });
    expect(bad.statusCode).toBe(400);
    expect(json(bad)).toEqual(BAD_VERIFY);
  });

  it('answers 400 for a bad, expired, mistyped or outdated token', async () => {
    const user = await ctx.createUser({ verified: false });
    const tokens = [
      'garbage',
      (await ctx.deps.tokens.sign('verify', user.id, -10, { email: user.email })).token,
      (await ctx.deps.tokens.sign('reset', user.id, 600, { email: user.email, pwd: 'x' })).token,
      (await ctx.deps.tokens.sign('verify', user.id, 600, { email: 'old-address@example.com' })).token,
      (await ctx.deps.tokens.sign('verify', 999_999, 600, { email: user.email })).token,
    ];
    for (const token of tokens) {
      const res = await verify(token);
      expect(res.statusCode).toBe(400);
      expect(json(res)).toEqual(BAD_VERIFY);
    }
    const valid = await ctx.deps.tokens.sign('verify', user.id, 600, { email: user.email.toUpperCase() });
    expect(json(await verify(valid.token))).toEqual(VERIFIED);
  });

  it('answers 422 without a token', async () => {
    const res = await ctx.app.inject({ url: '/api/auth/verify-email' });
    expect(res.statusCode).toBe(422);
    expect(json(res).detail[0]).toMatchObject({ loc: ['query', 'token'], type: 'missing' });
  });

  it('shows a browser an HTML page with the same message and status', async () => {
    const user = await ctx.createUser({ verified: false });
    const token = (await ctx.deps.tokens.sign('verify', user.id, 600, { email: user.email })).token;
    const browser = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

    const page = await verify(token, browser);
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<!doctype html>');
    expect(page.body).toContain('Email successfully verified');
    // Caches must key the answer on Accept (and keep CORS's Origin).
    expect(String(page.headers.vary)).toMatch(/Origin/);
    expect(String(page.headers.vary)).toMatch(/Accept/);

    expect((await verify(token, browser)).body).toContain('Email already verified');
    expect(json(await verify(token, '*/*'))).toEqual(ALREADY);
    expect(json(await verify(token, 'application/json, text/html'))).toEqual(ALREADY);

    const bad = await verify('nonsense', browser);
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(bad.body).toContain('Invalid or expired verification token');
  });

  it('resends only to an existing unverified account, with the same answer always', async () => {
    const account = await registerUnverified();
    await ctx.smtp.waitForMail(account.email);
    for (const url of ['/api/auth/resend-verification', '/api/auth/request_email']) {
      const res = await post(url, { email: account.email.toUpperCase() });
      expect(res.statusCode).toBe(200);
      expect(json(res)).toEqual(RESEND);
      expect(tokenFromMail(await ctx.smtp.waitForMail(account.email))).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    }
    const token = tokenFromMail(await resendAndWait(account.email));
    expect(json(await verify(token))).toEqual(VERIFIED);

    const verifiedUser = await ctx.createUser();
    const nobody = `${unique('nobody')}@example.com`;
    for (const email of [verifiedUser.email, nobody]) {
      const res = await post('/api/auth/resend-verification', { email });
      expect(res.statusCode).toBe(200);
      expect(json(res)).toEqual(RESEND);
    }
    await expectNoMail(verifiedUser.email);
    await expectNoMail(nobody);
  });

  it('answers 422 for a malformed email on resend', async () => {
    const res = await post('/api/auth/resend-verification', { email: 'nope' });
    expect(res.statusCode).toBe(422);
    expect(json(res).detail[0].loc).toEqual(['body', 'email']);
  });
});

async function resendAndWait(email: string) {
  await post('/api/auth/resend-verification', { email });
  return ctx.smtp.waitForMail(email);
}

describe('password reset', () => {
  it('resets once through the mailed link, ending every session', async () => {
    const user = await ctx.createUser();
    const second = json(await login(user.username, user.password));
    const token = await requestReset(user);

    const res = await post('/api/auth/reset-password', { token, new_password: 'brand-new-password' });
    expect(res.statusCode).toBe(200);
    expect(json(res)).toEqual({ message: 'Password has been reset successfully' });

    for (const access of [user.accessToken, second.access_token]) {
      const after = await me(access);
      expect(after.statusCode).toBe(401);
      expect(json(after)).toEqual({ detail: 'Could not validate credentials' });
    }
    expect((await post('/api/auth/refresh', { refresh_token: second.refresh_token })).statusCode).toBe(401);
    expect((await login(user.username, user.password)).statusCode).toBe(401);
    expect((await login(user.username, 'brand-new-password')).statusCode).toBe(200);

    const reused = await post('/api/auth/reset-password', { token, new_password: 'third-password-3' });
    expect(reused.statusCode).toBe(400);
    expect(json(reused)).toEqual(BAD_RESET);
  });

  it('answers 422 for a password breaking the rules, and the link still works after', async () => {
    const user = await ctx.createUser();
    const token = await requestReset(user);
    for (const new_password of ['short', 'x'.repeat(129)]) {
      const res = await post('/api/auth/reset-password', { token, new_password });
      expect(res.statusCode).toBe(422);
      expect(json(res).detail[0].loc).toEqual(['body', 'new_password']);
    }
    expect(
      (await post('/api/auth/reset-password', { token, new_password: 'x'.repeat(128) })).statusCode,
    ).toBe(200);
  });

  it('answers 400 for bad, expired, mistyped or outdated tokens', async () => {
    const user = await ctx.createUser();
    const outdated = await requestReset(user);
    const change = await post(
      '/api/auth/change-password',
      { current_password: user.password, new_password: 'changed-meanwhile' },
      user.auth,
    );
    expect(change.statusCode).toBe(200);
    const tokens = [
      'garbage',
      outdated,
      (await ctx.deps.tokens.sign('reset', user.id, -10, { pwd: 'whatever' })).token,
      (await ctx.deps.tokens.sign('verify', user.id, 600, { email: user.email })).token,
      user.accessToken,
    ];
    for (const token of tokens) {
      const res = await post('/api/auth/reset-password', { token, new_password: 'another-password' });
      expect(res.statusCode).toBe(400);
      expect(json(res)).toEqual(BAD_RESET);
    }
  });

  it('lets one of two simultaneous uses of a link through', async () => {
    const user = await ctx.createUser();
    const token = await requestReset(user);
    const results = await Promise.all(
      ['parallel-one-1', 'parallel-two-2'].map((new_password) =>
        post('/api/auth/reset-password', { token, new_password }),
      ),
    );
    expect(results.map((res) => res.statusCode).sort()).toEqual([200, 400]);
  });

  it('mails nothing for an unknown or deactivated account, with the same answer', async () => {
    const inactive = await ctx.createUser();
    await usersRepository.update(ctx.deps.database.db, inactive.id, { isActive: false });
    const nobody = `${unique('ghost')}@example.com`;
    for (const email of [nobody, inactive.email]) {
      const res = await post('/api/auth/forgot-password', { email });
      expect(res.statusCode).toBe(200);
      expect(json(res)).toEqual(FORGOT);
    }
    await expectNoMail(nobody);
    await expectNoMail(inactive.email);
    expect((await post('/api/auth/forgot-password', { email: 'bad' })).statusCode).toBe(422);
  });

  it('serves the reset page and its script', async () => {
    const page = await ctx.app.inject({ url: '/reset-password?token=abc%22%3E%3Cscript%3E' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<form id="reset-form"');
    expect(page.body).toContain('<script src="/reset-password.js"></script>');
    expect(page.body).not.toContain('abc');
    expect(page.body).not.toMatch(/<script>/);
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");

    const script = await ctx.app.inject({ url: '/reset-password.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toBe('application/javascript; charset=utf-8');
    expect(script.body).toContain('/api/auth/reset-password');
    expect(script.body).toContain('location.search');
  });
});

describe('POST /api/auth/change-password', () => {
  async function twoSessions(): Promise<[TestUser, { access_token: string; refresh_token: string }]> {
    const user = await ctx.createUser();
    return [user, json(await login(user.username, user.password))];
  }

  it('changes the password and ends the other sessions only', async () => {
    const [user, other] = await twoSessions();
    const res = await post(
      '/api/auth/change-password',
      { current_password: user.password, new_password: 'changed-password-9' },
      user.auth,
    );
    expect(res.statusCode).toBe(200);
    expect(json(res)).toEqual({ message: 'Password changed successfully' });

    expect((await me(user.accessToken)).statusCode).toBe(200);
    const otherMe = await me(other.access_token);
    expect(otherMe.statusCode).toBe(401);
    expect(json(otherMe)).toEqual({ detail: 'Could not validate credentials' });
    expect((await post('/api/auth/refresh', { refresh_token: other.refresh_token })).statusCode).toBe(401);
    expect((await post('/api/auth/refresh', { refresh_token: user.refreshToken })).statusCode).toBe(200);

    expect((await login(user.username, user.password)).statusCode).toBe(401);
    expect((await login(user.username, 'changed-password-9')).statusCode).toBe(200);
  });

  it('answers 400 "Incorrect password" and changes nothing', async () => {
    const [user, other] = await twoSessions();
    const res = await post(
      '/api/auth/change-password',
      { current_password: 'not-my-password', new_password: 'changed-password-9' },
      user.auth,
    );
    expect(res.statusCode).toBe(400);
    expect(json(res)).toEqual({ detail: 'Incorrect password' });
    expect((await me(other.access_token)).statusCode).toBe(200);
    expect((await login(user.username, user.password)).statusCode).toBe(200);
  });

  it('answers 422 for a new password breaking the rules, 401 without a token', async () => {
    const user = await ctx.createUser();
    const res = await post(
      '/api/auth/change-password',
      { current_password: user.password, new_password: 'short' },
      user.auth,
    );
    expect(res.statusCode).toBe(422);
    expect(json(res).detail[0]).toMatchObject({ loc: ['body', 'new_password'], type: 'string_too_short' });
    const anonymous = await post('/api/auth/change-password', {
      current_password: 'x',
      new_password: 'long-enough',
    });
    expect(anonymous.statusCode).toBe(401);
    expect(json(anonymous)).toEqual({ detail: 'Not authenticated' });
  });
});
