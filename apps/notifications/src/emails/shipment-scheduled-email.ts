import type { ShipmentScheduled } from '@ensemble/events';
import type { Recipient } from '@ensemble/mail';
import { escapeHtml } from './escape-html';
import { headerValue } from './header-value';
import { greeting, htmlDocument } from './email-layout';
import { DEFAULT_EMAIL_FORMAT, EmailFormat, formatDay, RenderedEmail } from './rendered-email';

/** What the shipment email tells: the facts of a `ShipmentScheduled`. */
export type ScheduledShipment = Pick<ShipmentScheduled, 'scheduledFor' | 'items' | 'address'>;

/** The shipment email's subject, alone: what the email's row keeps when it is queued. */
export function shipmentScheduledSubject(shipment: Pick<ScheduledShipment, 'scheduledFor'>, format: EmailFormat = DEFAULT_EMAIL_FORMAT): string {
  return headerValue(`Your order leaves our warehouse on ${formatDay(shipment.scheduledFor, format)}`);
}

/** The email that tells a customer when their parcel leaves, what is in it and where it goes. */
export function shipmentScheduledEmail(shipment: ScheduledShipment, recipient: Recipient, format: EmailFormat = DEFAULT_EMAIL_FORMAT): RenderedEmail {
  const items = shipment.items.map((item) => `${item.quantity} × ${item.sku}`);
  const address = addressLines(shipment.address, format.locale);
  const dispatchDay = formatDay(shipment.scheduledFor, format);
  const subject = shipmentScheduledSubject(shipment, format);

  const text = [
    greeting(recipient),
    '',
    `Your order is scheduled to leave our warehouse on ${dispatchDay}.`,
    '',
    'In the parcel:',
    ...items.map((item) => `  ${item}`),
    '',
    'It goes to:',
    ...address.map((line) => `  ${line}`),
    '',
    'Ensemble',
    '',
  ].join('\n');

  const html = htmlDocument({
    title: subject,
    format,
    body: [
      `<p>${escapeHtml(greeting(recipient))}</p>`,
      `<p>Your order is scheduled to leave our warehouse on <strong>${escapeHtml(dispatchDay)}</strong>.</p>`,
      '<p>In the parcel:</p>',
      '<ul>',
      ...items.map((item) => `<li>${escapeHtml(item)}</li>`),
      '</ul>',
      '<p>It goes to:</p>',
      `<p>${address.map(escapeHtml).join('<br>\n')}</p>`,
    ].join('\n'),
  });

  return { subject, text, html };
}

/** The address as it is written on a parcel; an ISO 3166 code becomes the country's name. */
function addressLines(address: ScheduledShipment['address'], locale: string): string[] {
  return [address.name, address.line1, `${address.postalCode} ${address.city}`.trim(), countryName(address.country, locale)].filter((line) => line.trim() !== '');
}

function countryName(country: string, locale: string): string {
  if (!/^[A-Za-z]{2}$/.test(country)) return country;
  return new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' }).of(country.toUpperCase()) ?? country;
}
