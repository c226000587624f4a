import type { MailMessage } from '../infra/mailer.js';
import { escapeHtml } from '../lib/html.js';

type MailContent = Omit<MailMessage, 'to'>;

/** A mail as it is queued: with the moment its link stops working, after which it is never sent. */
export type QueuedMail = MailMessage & { expiresAt?: Date | undefined };

// The link stands alone on its own line in the text part, so any mail client (and the tests) can find it.
function compose(options: {
  subject: string;
  greeting: string;
  intro: string;
  link: string;
  action: string;
  outro: string;
}) {
  const { subject, greeting, intro, link, action, outro } = options;
  const text = [`${greeting}`, '', intro, '', link, '', outro, '', '— Contacts API', ''].join('\n');
  const html = [
    '<!doctype html>',
    '<html><body style="font-family: sans-serif; line-height: 1.5">',
    `<p>${escapeHtml(greeting)}</p>`,
    `<p>${escapeHtml(intro)}</p>`,
    `<p><a href="${escapeHtml(link)}">${escapeHtml(action)}</a></p>`,
    `<p style="font-size: 0.9em">Or paste this address into your browser:<br>${escapeHtml(link)}</p>`,
    `<p>${escapeHtml(outro)}</p>`,
    '<p>— Contacts API</p>',
    '</body></html>',
  ].join('\n');
  return { subject, text, html } satisfies MailContent;
}

/** The mail sent at registration (and on request) with the link that verifies the address. */
export function verificationMail(username: string, link: string): MailContent {
  return compose({
    subject: 'Confirm your email for Contacts API',
    greeting: `Hello ${username},`,
    intro: 'Please confirm your email address by opening this link (valid for 24 hours):',
    link,
    action: 'Confirm my email',
    outro: 'If you did not create an account, you can ignore this message.',
  });
}

/** The mail with the one-time link to the page that sets a new password. */
export function passwordResetMail(username: string, link: string): MailContent {
  return compose({
    subject: 'Reset your Contacts API password',
    greeting: `Hello ${username},`,
    intro:
      'Someone asked to reset your password. Open this link to choose a new one (valid for 1 hour, once):',
    link,
    action: 'Choose a new password',
    outro: 'If it was not you, ignore this message: your password stays as it is.',
  });
}
