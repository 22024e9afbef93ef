/**
 * npm run demo -- [--rate 20] [--duration 60] [--url http://127.0.0.1:3000]
 * Posts realistic random payments at a steady rate, to payments at --url (else PAYMENTS_URL), so
 * that there is something to watch; ends with what was sent, accepted and rejected, and the POST
 * latency percentiles.
 */
import { randomInt, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadServiceUrls, parseCommandLine } from '@ensemble/config';

const CATALOGUE = [
  { sku: 'BOOK-DDIA', unitPriceMinor: 4_299 },
  { sku: 'BOOK-SICP', unitPriceMinor: 5_500 },
  { sku: 'MUG-KAFKA', unitPriceMinor: 1_250 },
  { sku: 'TSHIRT-AVRO', unitPriceMinor: 2_000 },
  { sku: 'STICKERS', unitPriceMinor: 300 },
  { sku: 'KEYBOARD', unitPriceMinor: 12_900 },
];
const CUSTOMERS = ['ada', 'grace', 'alan', 'barbara', 'edsger', 'margaret', 'donald', 'frances', 'ken', 'radia'];
const PLACES = [
  { city: 'London', postalCode: 'SW1Y 4JH', country: 'GB', currency: 'GBP' },
  { city: 'Berlin', postalCode: '10117', country: 'DE', currency: 'EUR' },
  { city: 'Lyon', postalCode: '69002', country: 'FR', currency: 'EUR' },
  { city: 'Boston', postalCode: '02108', country: 'US', currency: 'USD' },
];

function randomPayment() {
  const customer = CUSTOMERS[randomInt(CUSTOMERS.length)];
  const { currency, ...place } = PLACES[randomInt(PLACES.length)];
  const items = Array.from({ length: randomInt(1, 4) }, () => ({ ...CATALOGUE[randomInt(CATALOGUE.length)], quantity: randomInt(1, 4) }));
  return {
    customerId: `customer-${customer}`,
    customerEmail: `${customer}@example.com`,
    amountMinor: items.reduce((sum, item) => sum + item.quantity * item.unitPriceMinor, 0),
    currency,
    items: items.map(({ sku, quantity, unitPriceMinor }) => ({ sku, quantity, unitPriceMinor })),
    shippingAddress: { name: customer[0].toUpperCase() + customer.slice(1), line1: `${randomInt(1, 200)} Main Street`, ...place },
  };
}

async function main(): Promise<void> {
  const { rate, duration, url: given } = parseCommandLine({
    command: 'demo',
    usage: 'usage: npm run demo -- [--rate 20] [--duration 60] [--url http://127.0.0.1:3000]',
    options: { rate: { type: 'number', default: 20 }, duration: { type: 'number', default: 60 }, url: { type: 'string' } },
  }).options;
  const url = given ?? loadServiceUrls().payments;
  const total = Math.round(rate * duration);
  const latencies: number[] = [];
  const rejected = new Map<string, number>();
  let done = 0;
  const progress = setInterval(() => {
    const width = 30;
    const filled = Math.round((done / total) * width);
    const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} sent, ${latencies.length} accepted, ${done - latencies.length} rejected`;
    if (process.stdout.isTTY) process.stdout.write(`\r${line}`);
    else console.log(line);
  }, process.stdout.isTTY ? 200 : 5_000);

  await Promise.all(
    Array.from({ length: total }, async (_, index) => {
      await sleep((index * 1_000) / rate);
      const started = performance.now();
      try {
        const response = await fetch(`${url}/payments`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'Idempotency-Key': randomUUID() },
          body: JSON.stringify(randomPayment()),
        });
        if (response.status === 201) latencies.push(performance.now() - started);
        else rejected.set(String(response.status), (rejected.get(String(response.status)) ?? 0) + 1);
      } catch (error) {
        rejected.set((error as Error).message, (rejected.get((error as Error).message) ?? 0) + 1);
      }
      done += 1;
    }),
  );
  clearInterval(progress);
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (fraction: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)].toFixed(1) : '-');
  console.log(`\nSent ${total}, accepted ${latencies.length}, rejected ${total - latencies.length}${rejected.size ? ` (${[...rejected].map(([why, count]) => `${count}× ${why}`).join(', ')})` : ''}`);
  console.log(`POST latency: p50 ${at(0.5)} ms, p90 ${at(0.9)} ms, p99 ${at(0.99)} ms`);
  if (latencies.length < total) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(`demo: ${(error as Error).message}`);
  process.exitCode = 1;
});
