import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface CapturedMail {
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface TestSmtpServer {
  port: number;
  mails: CapturedMail[];
  /** Waits for the next mail to `to` that arrived after `since` mails were already seen. */
  waitForMail(to: string, options?: { timeoutMs?: number; subject?: RegExp }): Promise<CapturedMail>;
  /** Mail that arrived since the last call for `to` — to check that nothing was sent. */
  mailsTo(to: string): CapturedMail[];
  close(): Promise<void>;
}

function addressesOf(mail: ParsedMail): string {
  const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
  return to.flatMap((group) => group.value.map((entry) => entry.address?.toLowerCase() ?? '')).join(',');
}

export interface SmtpServerOptions {
  /** While true, every connection is turned away (421), as a mail server that is down. */
  refuse?: () => boolean;
  /**
   * An SMTP reply code for a recipient, or undefined to accept it: 550 refuses it for good (unknown
   * mailbox), 450 for now (mailbox busy), as real servers answer RCPT TO.
   */
  recipientCode?: (address: string) => number | undefined;
}

/** A real SMTP server on a random loopback port that keeps every message it receives. */
export async function startSmtpServer(options: SmtpServerOptions = {}): Promise<TestSmtpServer> {
  const mails: CapturedMail[] = [];
  const consumed = new Set<CapturedMail>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onConnect(_session, callback) {
      if (!options.refuse?.()) return callback();
      callback(Object.assign(new Error('Service not available, try again later'), { responseCode: 421 }));
    },
    onRcptTo(address, _session, callback) {
      const code = options.recipientCode?.(address.address.toLowerCase());
      if (code === undefined) return callback();
      const text = code >= 500 ? 'Mailbox unavailable' : 'Mailbox busy, try again later';
      callback(Object.assign(new Error(text), { responseCode: code }));
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          mails.push({
            to: addressesOf(mail),
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : '',
          });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;

  const findNew = (to: string, subject?: RegExp) =>
    mails.find(
      (mail) =>
        !consumed.has(mail) && mail.to.includes(to.toLowerCase()) && (!subject || subject.test(mail.subject)),
    );

  return {
    port,
    mails,
    async waitForMail(to, { timeoutMs = 5000, subject } = {}) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const mail = findNew(to, subject);
        if (mail) {
          consumed.add(mail);
          return mail;
        }
        if (Date.now() > deadline) throw new Error(`no mail to ${to} within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    mailsTo(to) {
      return mails.filter((mail) => mail.to.includes(to.toLowerCase()));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The token in the first link of a mail that carries `?token=`. */
export function tokenFromMail(mail: CapturedMail): string {
  const match = /[?&]token=([A-Za-z0-9._~-]+)/.exec(mail.text);
  if (!match?.[1]) throw new Error(`no token link in mail: ${mail.text}`);
  return match[1];
}
