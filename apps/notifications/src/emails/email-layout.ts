import type { Recipient } from '@ensemble/mail';
import { escapeHtml } from './escape-html';
import { EmailFormat } from './rendered-email';

/** The first line: by name when the customer gave one. */
export function greeting(recipient: Recipient): string {
  const name = recipient.name?.trim();
  return name ? `Dear ${name},` : 'Hello,';
}

/** The whole HTML document around an email's body, which must already be escaped. */
export function htmlDocument(options: { title: string; format: EmailFormat; body: string }): string {
  return [
    '<!DOCTYPE html>',
    `<html lang="${escapeHtml(options.format.locale)}">`,
    `<head><meta charset="utf-8"><title>${escapeHtml(options.title)}</title></head>`,
    '<body style="font-family: Arial, Helvetica, sans-serif; color: #222222; line-height: 1.4;">',
    options.body,
    '<p>Ensemble</p>',
    '</body>',
    '</html>',
  ].join('\n');
}
