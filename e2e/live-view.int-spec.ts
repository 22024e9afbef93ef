import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium, Locator, Page } from 'playwright-core';
import { CONSUMING_SERVICES, loadPlatformConfig, PROCESS_NAMES, SERVICE_NAMES, workQueueOf } from '@ensemble/config';
import { ASYNCAPI_FILE } from '@ensemble/contract';
import { describeChoreography, loadEventCatalogue } from '@ensemble/events';
import { createKafka } from '@ensemble/kafka/create-kafka';
import { Choreography, eventually, expectPaymentPath, paymentTrace, skipNotificationsBacklog, TopicReader, waitUntilCaughtUp, zipkinTrace } from '@ensemble/testing';
import { CHROMIUM_PATH } from '../infra/src/chromium';

const ADMIN_TOKEN = randomBytes(24).toString('base64url');
const REACTIONS = ['invoice', 'crm', 'shipping', 'dashboards', 'notifications'];
const config = loadPlatformConfig();
const kafka = createKafka(config, 'live-view-spec');
/** The services that hand themselves jobs through a work queue, whose box on the map shows it. */
const QUEUEING = SERVICE_NAMES.filter((service) => workQueueOf(service));
const catalogue = loadEventCatalogue();
/** Every arrow the map should draw: each event's publisher to it, and it to each service that reacts to it. */
const ARROWS = describeChoreography(catalogue).events.flatMap(({ eventType, publisher, reactors }) => [`${publisher}>${eventType}`, ...reactors.map((service) => `${eventType}>${service}`)]);

/**
 * Run in the page: keeps the highest events per second each arrow of the map has shown, in
 * `peakRates`, since rates last a sample or two and a probe from here could miss them.
 */
function recordPeakRates(): void {
  const page = globalThis as any;
  const peaks: Record<string, number> = (page.peakRates = {});
  new page.MutationObserver((mutations: Array<{ target: { getAttribute(name: string): string } }>) => {
    for (const { target } of mutations) {
      const arrow = target.getAttribute('data-edge');
      peaks[arrow] = Math.max(peaks[arrow] ?? 0, Number(target.getAttribute('data-rate')));
    }
  }).observe(page.document.getElementById('choreography'), { subtree: true, attributes: true, attributeFilter: ['data-rate'] });
}

/** Run in the page: keeps the most jobs per second each work queue on the map has shown, in `peakQueueRates`, by service. */
function recordPeakQueueRates(): void {
  const page = globalThis as any;
  const peaks: Record<string, number> = (page.peakQueueRates = {});
  new page.MutationObserver((mutations: Array<{ target: { getAttribute(name: string): string } }>) => {
    for (const { target } of mutations) {
      const service = target.getAttribute('data-service');
      peaks[service] = Math.max(peaks[service] ?? 0, Number(target.getAttribute('data-queue-done-per-second')));
    }
  }).observe(page.document.getElementById('choreography'), { subtree: true, attributes: true, attributeFilter: ['data-queue-done-per-second'] });
}

/** A time as a datetime-local input takes it: local time, to the second (chromium runs in this process's time zone). */
function localDateTime(time: Date): string {
  return new Date(time.getTime() - time.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
}

async function getJson(url: string): Promise<any> {
  return (await fetch(url)).json();
}

describe("the console's live view at GET / shows every consumer react, in headless chromium", () => {
  const choreography = new Choreography({ ADMIN_TOKEN }, 3200);
  const run = randomUUID().slice(0, 8);
  const specStartedAt = new Date();
  const pageErrors: string[] = [];
  let browser: Browser;
  let page: Page;

  const row = (paymentId: string) => page.locator(`tr.payment[data-payment-id="${paymentId}"]`);
  const followOns = (paymentId: string) => page.locator(`tr.follow-ons[data-payment-id="${paymentId}"]`);
  const reaction = (paymentId: string, service: string) => row(paymentId).locator(`td[data-reaction="${service}"]`);
  const group = (service: string) => page.locator(`.group[data-group="${service}"]`);
  const lagShown = async (service: string) => Number(await group(service).getAttribute('data-lag'));
  const mapService = (service: string) => page.locator(`#choreography .map-service[data-service="${service}"]`);
  const arrow = (id: string) => page.locator(`#choreography .map-edge[data-edge="${id}"]`);

  /** Fills the form with a customer of this spec's own and posts it; returns the payment's id as the page reports it. */
  async function postThroughTheForm(customerId: string): Promise<string> {
    await page.fill('input[name="customerId"]', customerId);
    await page.fill('input[name="times"]', '1');
    const before = await page.locator('#payment-message').getAttribute('data-payment-id');
    await page.click('#post-payment');
    await page.locator(`#payment-message.error, #payment-message.ok[data-payment-id]${before ? `:not([data-payment-id="${before}"])` : ''}`).waitFor();
    expect(await page.locator('#payment-message').getAttribute('class')).toContain('ok');
    return (await page.locator('#payment-message').getAttribute('data-payment-id'))!;
  }

  async function waitForState(cell: Locator, state: string, timeout = 30_000): Promise<void> {
    await cell.and(page.locator(`[data-state="${state}"]`)).waitFor({ timeout });
  }

  beforeAll(async () => {
    await skipNotificationsBacklog(kafka, config);
    await choreography.start(PROCESS_NAMES);
    // Earlier specs may have left a backlog; the lags on the page are read from here.
    await waitUntilCaughtUp(kafka, CONSUMING_SERVICES);
    // Root cannot run chromium's sandbox (CI and these machines run as root); the page is our own.
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1500, height: 1150 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    await page.goto(choreography.url('console'));
    await page.locator('#feed[data-state="live"]').waitFor({ timeout: 30_000 });
    await group('shipping').waitFor();
    await mapService('shipping').waitFor();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await choreography.stop();
  });

  it('shows a payment posted through its form, with its record, the five reactions, both emails with a link to MailDev and the follow-on events in its row', async () => {
    const customerId = `live-${run}-one`;
    const payments = new TopicReader(kafka, 'payments.payment-completed');
    await payments.mark();

    const paymentId = await postThroughTheForm(customerId);

    for (const service of REACTIONS) await waitForState(reaction(paymentId, service), 'done');
    await followOns(paymentId).locator('[data-event-type="InvoiceIssued"]').waitFor();
    await followOns(paymentId).locator('[data-event-type="ShipmentScheduled"]').waitFor();
    await followOns(paymentId).locator('[data-event-type="EmailSent"]').nth(1).waitFor();
    const [invoice] = await getJson(`${choreography.url('invoice')}/invoices?paymentId=${paymentId}`);
    const [shipment] = await getJson(`${choreography.url('shipping')}/shipments?paymentId=${paymentId}`);
    const profile = await getJson(`${choreography.url('crm')}/customers/${customerId}`);
    expect(await row(paymentId).getAttribute('data-complete')).toBe('true');
    expect(await row(paymentId).locator('td[data-part="post"]').innerText()).toMatch(/^201\s+\d+ ms$/);
    const record = (await payments.readUntil((read) => read.some(({ message }) => message.key?.toString() === paymentId))).find(({ message }) => message.key?.toString() === paymentId)!;
    expect(await row(paymentId).locator('td[data-part="completed"]').innerText()).toMatch(
      new RegExp(`^payments\\.payment-completed\\s+partition ${record.partition} · offset ${record.offset} · \\+\\d+ ms$`),
    );
    expect(await reaction(paymentId, 'invoice').innerText()).toMatch(new RegExp(`^${invoice.number}\\s+invoice · \\+\\d+ ms$`));
    expect(await reaction(paymentId, 'crm').innerText()).toMatch(new RegExp(`^${(profile.lifetimeValueMinor.EUR / 100).toFixed(2)} EUR\\s+lifetime value · \\+\\d+ ms$`));
    expect(await reaction(paymentId, 'shipping').innerText()).toMatch(new RegExp(`^${shipment.id.slice(0, 8)}\\s+shipment · \\+\\d+ ms$`));
    expect(await reaction(paymentId, 'dashboards').innerText()).toMatch(/^counted\s+figures · \+\d+ ms$/);
    expect(await followOns(paymentId).innerText()).toMatch(/InvoiceIssued invoice\.invoice-issued\[\d+\]@\d+ \+\d+ ms/);
    expect(await followOns(paymentId).innerText()).toMatch(/ShipmentScheduled shipping\.shipment-scheduled\[\d+\]@\d+ \+\d+ ms/);
    expect(await followOns(paymentId).innerText()).toMatch(/EmailSent notifications\.email-sent\[\d+\]@\d+ \+\d+ ms/);
    // An envelope per email the notifications service sent, each opening MailDev in a new tab, with its kind and time, not its recipient.
    const sent = await getJson(`${choreography.url('notifications')}/notifications?paymentId=${paymentId}`);
    expect(sent.map((email: { kind: string; status: string }) => `${email.kind} ${email.status}`).sort()).toEqual(['invoice sent', 'shipment sent']);
    const envelopes = reaction(paymentId, 'notifications').locator('a.email');
    expect(await envelopes.count()).toBe(2);
    const shown = await envelopes.evaluateAll((links) =>
      links.map((link) => ({ kind: link.getAttribute('data-email-kind'), href: link.getAttribute('href'), target: link.getAttribute('target'), rel: link.getAttribute('rel'), text: (link as HTMLElement).innerText })),
    );
    expect(shown.map(({ kind }) => kind).sort()).toEqual(['invoice', 'shipment']);
    for (const link of shown) {
      expect(link).toMatchObject({ href: config.mail.webUrl, target: '_blank', rel: 'noopener' });
      expect(link.text).toMatch(new RegExp(`^✉ ${link.kind}\\s*\\+\\d+ ms$`));
    }
    expect(await reaction(paymentId, 'notifications').innerHTML()).not.toContain(sent[0].recipient);
    // The link opens MailDev's web UI, which it serves to a browser (a request that accepts HTML).
    const inbox = await fetch(config.mail.webUrl, { headers: { accept: 'text/html' } });
    expect(inbox.status).toBe(200);
    expect(await inbox.text()).toMatch(/<html/i);
    expect(pageErrors).toEqual([]);
  });

  it('links a payment to its trace in Zipkin: one trace from the page\'s POST through every service and both follow-on events', async () => {
    const answered = page.waitForResponse((response) => response.url().endsWith('/live/payments'));
    const paymentId = await postThroughTheForm(`live-${run}-traced`);
    const traceresponse = (await answered).headers()['traceresponse'];
    const link = row(paymentId).locator('a[data-part="trace"]');
    await link.waitFor();
    const traceId = /\/zipkin\/traces\/([0-9a-f]{32})$/.exec((await link.getAttribute('href'))!)?.[1];
    expect(traceresponse).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));

    const spans = await paymentTrace(traceId!);
    const post = expectPaymentPath(spans);
    // The console sends its spans on its own schedule: wait for the page's POST too.
    const pagePost = await eventually(async () => (await zipkinTrace(traceId!)).find((span) => span.id === post.parentId), "the console's span of the page's POST");
    expect(pagePost).toMatchObject({ name: 'post /live/payments', kind: 'SERVER', localEndpoint: { serviceName: 'console' } });
    expect(pagePost!.parentId).toBeUndefined();
    const zipkinPage = await fetch((await link.getAttribute('href'))!);
    expect(zipkinPage.status).toBe(200);
  });

  it('draws the choreography as a map, every service and event type with its arrows, whose figures move as payments flow', async () => {
    for (const service of SERVICE_NAMES) await mapService(service).and(page.locator('[data-state="running"]')).waitFor({ timeout: 15_000 });
    for (const event of catalogue.events) expect(await page.locator(`#choreography .map-event[data-event="${event.eventType}"]`).getAttribute('data-topic')).toBe(event.topic);
    expect(await page.locator('#choreography .map-service').count()).toBe(SERVICE_NAMES.length);
    expect(await page.locator('#choreography .map-event').count()).toBe(catalogue.events.length);
    expect((await page.locator('#choreography .map-edge').evaluateAll((arrows) => arrows.map((element) => element.getAttribute('data-edge')))).sort()).toEqual([...ARROWS].sort());
    await page.evaluate(recordPeakRates);
    await page.evaluate(recordPeakQueueRates);

    await page.fill('input[name="customerId"]', `live-${run}-map`);
    await page.fill('input[name="times"]', '5');
    await page.click('#post-payment');
    await page.locator('#payment-message.ok', { hasText: 'posted 5 of 5' }).waitFor({ timeout: 30_000 });

    const peaks = await eventually(
      async () => {
        const shown: Record<string, number> = await page.evaluate(() => (globalThis as any).peakRates);
        return ARROWS.every((id) => shown[id] > 0) ? shown : undefined;
      },
      'every arrow of the map to show events per second',
      30_000,
    );
    expect(Object.keys(peaks).sort()).toEqual([...ARROWS].sort());
    expect(await arrow('PaymentCompleted>crm').textContent()).toMatch(/^\d+\/s · lag \d+$/);
    for (const service of CONSUMING_SERVICES) {
      await mapService(service).and(page.locator('[data-lag="0"]')).waitFor({ timeout: 30_000 });
      expect(await mapService(service).getAttribute('data-dead-letters')).toMatch(/^\d+$/);
    }
    expect(await mapService('payments').getAttribute('data-outbox')).toMatch(/^\d+$/);
    // A service's work queue: its depth, dead letters, jobs done per second (emails, for notifications) and its worker not paused.
    for (const service of QUEUEING) {
      await eventually(async () => ((await page.evaluate(() => (globalThis as any).peakQueueRates))[service] > 0 ? true : undefined), `the map to show ${service}'s jobs done per second`, 30_000);
      await mapService(service).and(page.locator('[data-queue-ready="0"][data-queue-delayed="0"]')).waitFor({ timeout: 30_000 });
      const queue = mapService(service).locator(`[data-figure="work-queue"][data-queue="${workQueueOf(service)}"]`);
      expect(await queue.locator('[data-figure="queue-depth"]').textContent()).toBe('queue 0 · 0 delayed');
      expect(await queue.locator('[data-figure="queue-flow"]').textContent()).toMatch(new RegExp(`^\\d+ ${workQueueOf(service)!.split('.')[1]}/s · \\d+ dead$`));
      expect(await mapService(service).getAttribute('data-queue-paused')).toBe('false');
      expect(await page.locator(`#work-queues .tile[data-work-queue="${workQueueOf(service)}"]`).innerText()).toMatch(/0 ready · 0 delayed · \d+ dead · \d+ \w+\/s$/);
    }
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it("shows shipping's lag grow and the row wait while shipping is stopped, then shipping catch up and the row complete", async () => {
    await choreography.stopOne('shipping');
    await group('shipping').and(page.locator('[data-members="0"]')).waitFor({ timeout: 15_000 });
    await mapService('shipping').and(page.locator('[data-state="stopped"]')).waitFor({ timeout: 15_000 });
    expect(await page.locator('#choreography .map-service[data-state="stopped"]').count()).toBe(1);
    const lagBefore = await lagShown('shipping');

    const paymentId = await postThroughTheForm(`live-${run}-stopped`);

    for (const service of ['invoice', 'crm', 'dashboards']) await waitForState(reaction(paymentId, service), 'done');
    await eventually(async () => ((await lagShown('shipping')) > lagBefore ? true : undefined), "the page to show shipping's lag grow", 15_000);
    await page.waitForTimeout(2_000);
    expect(await reaction(paymentId, 'shipping').getAttribute('data-state')).toBe('waiting');
    expect(await reaction(paymentId, 'shipping').innerText()).toMatch(/^waiting\s+[\d.]+ s so far$/);
    expect(await row(paymentId).getAttribute('data-complete')).toBe('false');
    expect(await followOns(paymentId).locator('[data-event-type="ShipmentScheduled"]').count()).toBe(0);
    expect(await lagShown('shipping')).toBeGreaterThan(lagBefore);
    expect(Number(await arrow('PaymentCompleted>shipping').getAttribute('data-lag'))).toBeGreaterThan(0);
    expect(await mapService('shipping').getAttribute('data-state')).toBe('stopped');

    await choreography.startOne('shipping');

    await waitForState(reaction(paymentId, 'shipping'), 'done');
    await followOns(paymentId).locator('[data-event-type="ShipmentScheduled"]').waitFor();
    // Complete once the shipment's email, which follows ShipmentScheduled, is sent too.
    await row(paymentId).and(page.locator('[data-complete="true"]')).waitFor({ timeout: 30_000 });
    await group('shipping').and(page.locator('[data-lag="0"]:not([data-members="0"])')).waitFor({ timeout: 15_000 });
    await mapService('shipping').and(page.locator('[data-state="running"][data-lag="0"]')).waitFor({ timeout: 15_000 });
    await arrow('PaymentCompleted>shipping').and(page.locator('[data-lag="0"]')).waitFor({ timeout: 15_000 });
  }, 120_000);

  it('serves at GET /asyncapi.json the AsyncAPI document npm run asyncapi writes', async () => {
    const response = await fetch(`${choreography.url('console')}/asyncapi.json`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual(JSON.parse(readFileSync(join(__dirname, '..', ASYNCAPI_FILE), 'utf8')));
  });

  it('starts a replay only with the admin token the user gives, and shows its progress until it is done', async () => {
    // A window replay of the dashboards from this spec's start: quick, whatever earlier runs left on the topics.
    await page.selectOption('#replay-service', 'dashboards');
    await page.fill('input[name="from"]', localDateTime(specStartedAt));
    await page.fill('#admin-token', 'not-the-admin-token-at-all');
    await page.click('#start-replay');
    await page.locator('#replay-message.error').waitFor();
    expect(await page.locator('#replay-message').innerText()).toMatch(/^401 admin_token_required/);
    expect(await page.locator('.replay').count()).toBe(0);

    await page.fill('#admin-token', ADMIN_TOKEN);
    await page.click('#start-replay');

    const replay = page.locator('.replay[data-service="dashboards"]');
    await replay.and(page.locator('[data-state="done"]')).waitFor({ timeout: 120_000 });
    // Both of this spec's payments and their follow-on events, at least, were read again.
    expect(Number(await replay.getAttribute('data-records-read'))).toBeGreaterThanOrEqual(6);
    expect(await replay.innerText()).toMatch(/^dashboards\s+rebuild\s+\w{8}\s+done\s+from \S+Z · \d+ read · 0 to go/);
    expect(await page.locator('#replay-message').innerText()).toMatch(/^dashboards: rebuild \w{8} started$/);
  }, 150_000);
});
