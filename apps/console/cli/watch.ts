/**
 * npm run watch — each payment and the consumers' reactions as they happen, on the terminal.
 *
 * A client of the console's live stream (`GET /live/stream` at CONSOLE_URL, by default
 * http://127.0.0.1:3005), so that the terminal and the live page show one observation of the
 * choreography. Times are milliseconds since the payment's POST through the live page, or since the
 * payment was completed for payments posted elsewhere.
 */
import { loadServiceUrls, SERVICE_NAMES } from '@ensemble/config';
import { retry } from '@ensemble/retry';
import type { FeedState } from '../src/choreography-feed';
import type { PaymentRowView, ReactingOnce } from '../src/payment-timeline';

const REACTING: ReactingOnce[] = ['invoice', 'crm', 'shipping', 'dashboards'];
/** The longest wait before following the stream again: a console that comes up is followed within it. */
const RECONNECT_MAX_MS = 2_000;
/** Payments whose printed lines are remembered, so that each line is printed once. */
const REMEMBERED = 2_000;
/** The width of the column that names who reacted, so that the lines of a payment align. */
const WHO = Math.max(...SERVICE_NAMES.map((service) => service.length));

const short = (id: string) => id.slice(0, 8);
const money = (minor: number, currency: string) => `${(minor / 100).toFixed(2)} ${currency}`;
const printed = new Map<string, Set<string>>();

function print(line: string): void {
  console.log(`${new Date().toISOString().slice(11, 23)}  ${line}`);
}

function reactionText(row: PaymentRowView, service: ReactingOnce): string | undefined {
  const { invoice, crm, shipping, dashboards } = row.reactions;
  switch (service) {
    case 'invoice':
      return invoice && `invoice ${invoice.invoiceNumber} issued  +${invoice.afterMs} ms`;
    case 'crm':
      return crm && `applied${crm.lifetimeValueMinor === undefined ? '' : `, lifetime value ${money(crm.lifetimeValueMinor, row.currency)}`}  +${crm.afterMs} ms`;
    case 'shipping':
      return shipping && `shipment ${short(shipping.shipmentId)} for ${new Date(shipping.scheduledFor).toISOString().slice(0, 16)}Z  +${shipping.afterMs} ms`;
    case 'dashboards':
      return dashboards && `applied  +${dashboards.afterMs} ms`;
  }
}

/** Prints what is new about a payment: its record, each reaction, each email and each follow-on event, once. */
function show(row: PaymentRowView): void {
  if (!row.completed) return;
  let seen = printed.get(row.paymentId);
  if (!seen) {
    printed.set(row.paymentId, (seen = new Set()));
    if (printed.size > REMEMBERED) printed.delete(printed.keys().next().value!);
    const { topic, partition, offset, afterMs } = row.completed;
    print(`payment  ${short(row.paymentId)}  ${row.customerId}  ${money(row.amountMinor, row.currency)}  PaymentCompleted ${topic}[${partition}]@${offset}  +${afterMs} ms`);
  }
  for (const service of REACTING) {
    const text = reactionText(row, service);
    if (text && !seen.has(service)) {
      seen.add(service);
      print(`  ${service.padEnd(WHO)} ${short(row.paymentId)}  ${text}`);
    }
  }
  for (const email of row.reactions.notifications?.emails ?? []) {
    const key = `email ${email.emailId}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const attempts = email.attempts > 1 ? ` after ${email.attempts} attempts` : '';
    print(`  ${'notifications'.padEnd(WHO)} ${short(row.paymentId)}  ${email.kind} email sent${attempts}: "${email.subject}"  +${email.afterMs} ms`);
  }
  for (const event of row.followOns) {
    const key = `${event.topic}[${event.partition}]@${event.offset}`;
    if (seen.has(key)) continue;
    seen.add(key);
    print(`  ${'event'.padEnd(WHO)} ${short(row.paymentId)}  ${event.eventType} at ${key}  +${event.afterMs} ms`);
  }
}

/** The events of a server-sent event stream, as `event` name and `data`. */
async function* serverSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<{ event: string; data: string }> {
  const decoder = new TextDecoder();
  let buffered = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffered += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffered.indexOf('\n\n')) >= 0) {
      const lines = buffered.slice(0, end).split('\n');
      buffered = buffered.slice(end + 2);
      const data = lines.filter((line) => line.startsWith('data:')).map((line) => line.slice(5).trimStart());
      if (data.length > 0) yield { event: lines.find((line) => line.startsWith('event:'))?.slice(6).trim() ?? 'message', data: data.join('\n') };
    }
  }
}

/** Prints the console's stream until it ends; calls `answered` once the console has answered. */
async function follow(url: string, answered: () => void): Promise<never> {
  const response = await fetch(`${url}/live/stream`, { headers: { accept: 'text/event-stream' } });
  if (!response.ok || !response.body) throw new Error(`${url}/live/stream answered ${response.status}`);
  answered();
  for await (const { event, data } of serverSentEvents(response.body)) {
    if (event === 'payments') (JSON.parse(data) as PaymentRowView[]).forEach(show);
    if (event === 'feed') {
      const feed = JSON.parse(data) as FeedState;
      if (feed.state === 'live') print(`watching ${feed.topics.join(', ')} and the crm and dashboards groups, through ${url} (Ctrl-C stops)`);
      else print(`the console's feed is ${feed.state}${feed.error ? `: ${feed.error}` : ''}`);
    }
  }
  throw new Error('the stream ended');
}

/** Follows the stream until Ctrl-C, again each time it ends or cannot be reached. */
async function main(): Promise<void> {
  const url = loadServiceUrls().console;
  /** The last reason the stream could not be followed, printed once rather than at every retry. */
  let lastProblem = '';
  await retry(
    (_attempt, _bail, progressed) =>
      follow(url, () => {
        lastProblem = '';
        progressed();
      }),
    {
      initialMs: 500,
      maxMs: RECONNECT_MAX_MS,
      onRetry: (error) => {
        const problem = `${(error as { cause?: Error }).cause?.message ?? (error as Error).message}`;
        if (problem !== lastProblem) print(`no live stream from ${url} (${problem}); start the platform with npm start, or set CONSOLE_URL. Retrying…`);
        lastProblem = problem;
      },
    },
  );
}

main().catch((error: unknown) => {
  console.error(`watch: ${(error as Error).message}`);
  process.exitCode = 1;
});
