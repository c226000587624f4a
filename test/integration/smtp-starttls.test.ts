import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopbackHost } from '../../src/infra/mailer.js';
import { createTestApp, type TestContext } from '../helpers/app.js';

/**
 * A mail server with its defaults, as a developer (or Mailpit) runs one: it offers STARTTLS with a
 * self-signed certificate. On this machine the service must still deliver through it.
 */
describe('SMTP server offering STARTTLS with a self-signed certificate on loopback', () => {
  const received: string[] = [];
  let server: SMTPServer;
  let ctx: TestContext;
  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      logger: false,
      onData(stream, _session, callback) {
        simpleParser(stream)
          .then((mail) => {
            received.push(mail.text ?? '');
            callback();
          })
          .catch(callback);
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ctx = await createTestApp({
      SMTP_HOST: 'localhost',
      SMTP_PORT: String((server.server.address() as AddressInfo).port),
    });
  });
  afterAll(async () => {
    await ctx?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('delivers the verification mail', async () => {
    const response = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/register',
      payload: { username: 'tls_user', email: 'tls@example.com', password: 'long-enough-1' },
    });
    expect(response.statusCode).toBe(201);
    const deadline = Date.now() + 10_000;
    while (received.length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toHaveLength(1);
    expect(received[0]).toContain('/api/auth/verify-email?token=');
  });

  it('relaxes certificate checks for loopback hosts only', () => {
    for (const host of [
      'localhost',
      'LOCALHOST',
      '127.0.0.1',
      '127.8.9.10',
      '::1',
      '[::1]',
      'mail.localhost',
    ]) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of [
      'smtp.example.com',
      '10.0.0.1',
      '128.0.0.1',
      'localhost.example.com',
      '127.0.0.1.nip.io',
    ]) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
  });
});
