import { EmailJob } from './email-job';
import { invoiceIssuedEmail, invoiceIssuedSubject, RenderedEmail, shipmentScheduledEmail, shipmentScheduledSubject } from './emails';

/** The email a job stands for, rendered from the facts it carries. */
export function renderEmail(job: EmailJob): RenderedEmail {
  switch (job.kind) {
    case 'invoice':
      return invoiceIssuedEmail(job.invoice, { email: job.recipient });
    case 'shipment':
      return shipmentScheduledEmail(job.shipment, { email: job.recipient, name: job.shipment.address.name });
  }
}

/** The subject alone, without rendering the body: what an email's row keeps from the moment it is queued. */
export function subjectOf(job: EmailJob): string {
  return job.kind === 'invoice' ? invoiceIssuedSubject(job.invoice) : shipmentScheduledSubject(job.shipment);
}
