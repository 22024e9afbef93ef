import { EmailJob } from './email-job';
import { invoiceIssuedEmail, RenderedEmail, shipmentScheduledEmail } from './emails';

/** The email a job stands for, rendered from the facts it carries. */
export function renderEmail(job: EmailJob): RenderedEmail {
  switch (job.kind) {
    case 'invoice':
      return invoiceIssuedEmail(job.invoice, { email: job.recipient });
    case 'shipment':
      return shipmentScheduledEmail(job.shipment, { email: job.recipient, name: job.shipment.address.name });
  }
}
