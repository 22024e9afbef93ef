import { ScheduledShipment, shipmentScheduledEmail } from './shipment-scheduled-email';

const shipment: ScheduledShipment = {
  scheduledFor: Date.UTC(2026, 11, 4, 9, 0),
  items: [
    { sku: 'SKU-1', quantity: 2 },
    { sku: 'SKU-7', quantity: 1 },
  ],
  address: { name: 'Ada Lovelace', line1: '12 Analytical Row', city: 'Berlin', postalCode: '10115', country: 'DE' },
};
const ada = { email: 'ada@example.com', name: 'Ada' };

/** The elements the renderer writes; markup from the data would add others. */
const OWN_ELEMENTS = new Set(['html', 'head', 'meta', 'title', 'body', 'p', 'strong', 'ul', 'li', 'br']);

function elementsOf(html: string): string[] {
  return [...html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)/g)].map((match) => match[1].toLowerCase());
}

function listItems(html: string): string[] {
  return [...html.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((match) => match[1]);
}

/** The lines of the paragraph after "It goes to:". */
function addressOf(html: string): string[] {
  return (/<p>It goes to:<\/p>\n<p>([\s\S]*?)<\/p>/.exec(html)?.[1] ?? '').split('<br>\n');
}

describe('shipmentScheduledEmail', () => {
  const email = shipmentScheduledEmail(shipment, ada);

  it('gives the dispatch date in the subject', () => {
    expect(email.subject).toBe('Your order leaves our warehouse on 4 December 2026');
  });

  it('gives the dispatch date, the items and the address in the plain text', () => {
    expect(email.text.split('\n')).toEqual([
      'Dear Ada,',
      '',
      'Your order is scheduled to leave our warehouse on 4 December 2026.',
      '',
      'In the parcel:',
      '  2 × SKU-1',
      '  1 × SKU-7',
      '',
      'It goes to:',
      '  Ada Lovelace',
      '  12 Analytical Row',
      '  10115 Berlin',
      '  Germany',
      '',
      'Ensemble',
      '',
    ]);
  });

  it('gives the same in the HTML', () => {
    expect(email.html).toContain('leave our warehouse on <strong>4 December 2026</strong>.');
    expect(listItems(email.html)).toEqual(['2 × SKU-1', '1 × SKU-7']);
    expect(addressOf(email.html)).toEqual(['Ada Lovelace', '12 Analytical Row', '10115 Berlin', 'Germany']);
  });

  it('dates the dispatch in the reader’s time zone and names the country in their language', () => {
    const late = { ...shipment, scheduledFor: Date.UTC(2026, 11, 4, 23, 0) };
    const tokyo = shipmentScheduledEmail(late, ada, { locale: 'fr-FR', timeZone: 'Asia/Tokyo' });
    expect(tokyo.subject).toBe('Your order leaves our warehouse on 5 décembre 2026');
    expect(addressOf(tokyo.html)).toContain('Allemagne');
  });

  it('keeps a country that is not an ISO 3166 code as written', () => {
    const email = shipmentScheduledEmail({ ...shipment, address: { ...shipment.address, country: 'Deutschland' } }, ada);
    expect(addressOf(email.html)).toContain('Deutschland');
  });

  describe('with markup in what the customer supplied', () => {
    const hostile = shipmentScheduledEmail(
      {
        ...shipment,
        items: [{ sku: '<script>steal()</script>', quantity: 1 }],
        address: { name: 'Bobby "Tables" & Co', line1: `<img src=x onerror='alert(1)'>`, city: '<b>Berlin</b>', postalCode: '10115', country: '<DE>' },
      },
      { email: 'bob@example.com', name: '</p><a href="https://evil.example">Bob</a>' },
    );

    it('shows it as written and adds no element to the HTML', () => {
      expect(elementsOf(hostile.html).filter((element) => !OWN_ELEMENTS.has(element))).toEqual([]);
      expect(listItems(hostile.html)).toEqual(['1 × &lt;script&gt;steal()&lt;/script&gt;']);
      expect(addressOf(hostile.html)).toEqual([
        'Bobby &quot;Tables&quot; &amp; Co',
        '&lt;img src=x onerror=&#39;alert(1)&#39;&gt;',
        '10115 &lt;b&gt;Berlin&lt;/b&gt;',
        '&lt;DE&gt;',
      ]);
      expect(hostile.html).toContain('<p>Dear &lt;/p&gt;&lt;a href=&quot;https://evil.example&quot;&gt;Bob&lt;/a&gt;,</p>');
    });

    it('keeps the subject on one line', () => {
      expect(hostile.subject).not.toMatch(/[\r\n]/);
    });
  });
});
