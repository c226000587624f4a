import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer, { type Transporter } from 'nodemailer';
import type { SmtpConfig } from '../config/config.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/** localhost, 127.0.0.0/8 or ::1: names that always mean this machine. */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/^\[|\]$/g, '');
  return (
    name === 'localhost' || name.endsWith('.localhost') || name === '::1' || /^127(\.\d{1,3}){3}$/.test(name)
  );
}

/** Sends over SMTP with nodemailer. */
export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;

  constructor(
    smtp: SmtpConfig,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 20_000,
      // A mail server on this machine (Mailpit, a test server) offers STARTTLS with a self-signed
      // certificate that cannot be verified; the traffic never leaves the host, so accept it there.
      // Any other host's certificate is verified as usual.
      ...(isLoopbackHost(smtp.host) ? { tls: { rejectUnauthorized: false } } : {}),
    });
  }

  async send(message: MailMessage) {
    await this.transport.sendMail({ from: this.from, ...message });
  }

  close() {
    this.transport.close();
  }
}

/**
 * Without SMTP: writes each message as an `.eml` file in `$DATA_DIR/outbox/` (open it in any mail
 * client) and logs its links, so a local user can verify an account without a mail server.
 */
export class OutboxMailer implements Mailer {
  private readonly transport = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'unix',
  });

  constructor(
    private readonly directory: string,
    private readonly from: string,
    private readonly log: (message: string) => void,
  ) {}

  async send(message: MailMessage) {
    const info = await this.transport.sendMail({ from: this.from, ...message });
    // The files carry live verification and reset links: the owner's only, whatever the umask.
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    const file = path.join(
      this.directory,
      `${new Date().toISOString().replace(/[:.]/g, '-')}-${randomUUID()}.eml`,
    );
    await writeFile(file, info.message as Buffer, { mode: 0o600 });
    const links = message.text.match(/https?:\/\/\S+/g) ?? [];
    this.log(
      `Email "${message.subject}" to ${message.to} written to ${file}${links.length ? `; link: ${links.join(' ')}` : ''}`,
    );
  }

  close() {}
}
