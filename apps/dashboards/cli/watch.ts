/**
 * npm run watch — each payment and the consumers' reactions as they happen, on the terminal.
 *
 * Reads the event topics from their ends in a group of its own. Invoice and shipping announce their
 * reactions as events; CRM's and dashboards' show as their consumer groups committing past the
 * payment's record. Times are milliseconds since the payment was completed.
 */
import { randomUUID } from 'node:crypto';
import { loadPlatformConfig } from '@ensemble/config';
import { EventCodec } from '@ensemble/event-codec';
import { InvoiceIssued, loadEventCatalogue, PaymentCompleted, ShipmentScheduled } from '@ensemble/events';
import { createKafka } from '@ensemble/kafka';

const config = loadPlatformConfig();
const kafka = createKafka(config, 'watch');
const codec = EventCodec.forRegistry(config.schemaRegistry.url, loadEventCatalogue());
const PAYMENTS = 'payments.payment-completed';
const GROUPS_WITHOUT_EVENTS = ['crm', 'dashboards'];

interface Pending {
  payment: PaymentCompleted;
  partition: number;
  offset: bigint;
  waitingFor: Set<string>;
}

const pending: Pending[] = [];
const short = (id: string) => id.slice(0, 8);
const since = (payment: PaymentCompleted) => `+${Date.now() - payment.completedAt} ms`;
const money = (minor: number, currency: string) => `${(minor / 100).toFixed(2)} ${currency}`;

function print(line: string): void {
  console.log(`${new Date().toISOString().slice(11, 23)}  ${line}`);
}

async function main(): Promise<void> {
  const consumer = kafka.consumer({ groupId: `watch-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topics: [PAYMENTS, 'invoice.invoice-issued', 'shipping.shipment-scheduled'], fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const event = await codec.decode(message.value).catch(() => undefined);
      if (!event) return print(`${topic}[${partition}]@${message.offset}  (undecodable record)`);
      if (topic === PAYMENTS) {
        const payment = event as PaymentCompleted;
        pending.push({ payment, partition, offset: BigInt(message.offset), waitingFor: new Set(GROUPS_WITHOUT_EVENTS) });
        return print(`payment  ${short(payment.paymentId)}  ${payment.customerId}  ${money(payment.amountMinor, payment.currency)}  PaymentCompleted ${topic}[${partition}]@${message.offset}`);
      }
      const payment = pending.find((entry) => entry.payment.paymentId === (event as InvoiceIssued | ShipmentScheduled).paymentId)?.payment;
      const after = payment ? `  ${since(payment)}` : '';
      if (event.envelope.eventType === 'InvoiceIssued') {
        const invoice = event as InvoiceIssued;
        print(`  invoice    ${short(invoice.paymentId)}  invoice ${invoice.invoiceNumber} issued${after}`);
      } else {
        const shipment = event as ShipmentScheduled;
        print(`  shipping   ${short(shipment.paymentId)}  shipment ${short(shipment.shipmentId)} for ${new Date(shipment.scheduledFor).toISOString().slice(0, 16)}Z${after}`);
      }
    },
  });

  const admin = kafka.admin();
  await admin.connect();
  setInterval(async () => {
    if (pending.length === 0) return;
    for (const group of GROUPS_WITHOUT_EVENTS) {
      const [committed] = await admin.fetchOffsets({ groupId: group, topics: [PAYMENTS] });
      for (const entry of pending) {
        const position = BigInt(committed.partitions.find((candidate) => candidate.partition === entry.partition)?.offset ?? '-1');
        if (entry.waitingFor.has(group) && position > entry.offset) {
          entry.waitingFor.delete(group);
          print(`  ${group.padEnd(10)} ${short(entry.payment.paymentId)}  applied  ${since(entry.payment)}`);
        }
      }
    }
    // Keep the last few minutes of payments for the follow-on events that refer to them.
    while (pending.length > 0 && pending[0].waitingFor.size === 0 && Date.now() - pending[0].payment.completedAt > 120_000) pending.shift();
  }, 100);
  print(`watching ${PAYMENTS}, invoice.invoice-issued, shipping.shipment-scheduled and the crm and dashboards groups (Ctrl-C stops)`);
}

main().catch((error: unknown) => {
  console.error(`watch: ${(error as Error).message}`);
  process.exitCode = 1;
});
