import { invoiceIssuedEmail, IssuedInvoice } from './invoice-issued-email';

const invoice: IssuedInvoice = {
  invoiceNumber: '2026-000042',
  // 23:30 in London is already the next day in Tokyo.
  issuedAt: Date.UTC(2026, 11, 3, 23, 30),
  currency: 'EUR',
  lines: [
    { sku: 'SKU-1', quantity: 2, unitPriceMinor: 1050, lineTotalMinor: 2100 },
    { sku: 'SKU-2', quantity: 1, unitPriceMinor: 123456, lineTotalMinor: 123456 },
  ],
  totalMinor: 125556,
};
const ada = { email: 'ada@example.com', name: 'Ada Lovelace' };

/** The elements the renderer writes; markup from the data would add others. */
const OWN_ELEMENTS = new Set(['html', 'head', 'meta', 'title', 'body', 'p', 'strong', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td']);

function elementsOf(html: string): string[] {
  return [...html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)/g)].map((match) => match[1].toLowerCase());
}

/** The cells of each row of the table's body, as the HTML writes them. */
function bodyRows(html: string): string[][] {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((cell) => cell[1]));
}

function totalCell(html: string): string | undefined {
  return /<tfoot>.*<th[^>]*>Total<\/th><th[^>]*>([^<]*)<\/th>/.exec(html)?.[1];
}

describe('invoiceIssuedEmail', () => {
  const email = invoiceIssuedEmail(invoice, ada);

  it('names the invoice in the subject', () => {
    expect(email.subject).toBe('Your invoice 2026-000042');
  });

  it('gives the number, the date, each line and the total in the plain text', () => {
    expect(email.text.split('\n')).toEqual([
      'Dear Ada Lovelace,',
      '',
      'Here is invoice 2026-000042, issued on 3 December 2026.',
      '',
      '  2 × SKU-1 at €10.50: €21.00',
      '  1 × SKU-2 at €1,234.56: €1,234.56',
      '',
      'Total: €1,255.56',
      '',
      'Ensemble',
      '',
    ]);
  });

  it('gives the same figures in the HTML table', () => {
    expect(bodyRows(email.html)).toEqual([
      ['SKU-1', '2', '€10.50', '€21.00'],
      ['SKU-2', '1', '€1,234.56', '€1,234.56'],
    ]);
    expect(totalCell(email.html)).toBe('€1,255.56');
    expect(email.html).toContain('Here is invoice <strong>2026-000042</strong>, issued on 3 December 2026.');
  });

  it('writes amounts with the digits of the currency’s minor unit', () => {
    const yen = invoiceIssuedEmail({ ...invoice, currency: 'JPY', lines: [{ sku: 'SKU-1', quantity: 3, unitPriceMinor: 1500, lineTotalMinor: 4500 }], totalMinor: 4500 }, ada);
    expect(bodyRows(yen.html)).toEqual([['SKU-1', '3', 'JP¥1,500', 'JP¥4,500']]);
    const dinar = invoiceIssuedEmail({ ...invoice, currency: 'KWD', lines: [{ sku: 'SKU-1', quantity: 1, unitPriceMinor: 12345, lineTotalMinor: 12345 }], totalMinor: 12345 }, ada);
    expect(totalCell(dinar.html)).toBe('KWD\u00a012.345');
    expect(dinar.text).toContain('Total: KWD\u00a012.345');
  });

  it('dates the invoice in the reader’s time zone and language', () => {
    const tokyo = invoiceIssuedEmail(invoice, ada, { locale: 'de-DE', timeZone: 'Asia/Tokyo' });
    expect(tokyo.text).toContain('issued on 4. Dezember 2026.');
    expect(tokyo.text).toContain('Total: 1.255,56\u00a0€');
    expect(tokyo.html).toContain('<html lang="de-DE">');
  });

  it('greets a customer who gave no name without one', () => {
    expect(invoiceIssuedEmail(invoice, { email: 'ada@example.com' }).text.split('\n')[0]).toBe('Hello,');
  });

  describe('with markup in what the customer and the invoice supplied', () => {
    const hostile = invoiceIssuedEmail(
      { ...invoice, invoiceNumber: '2026-<b>42</b>', lines: [{ sku: '<script>alert("x")</script>', quantity: 1, unitPriceMinor: 100, lineTotalMinor: 100 }], totalMinor: 100 },
      { email: 'tom@example.com', name: `Tom & "Jerry" <img src=x onerror='alert(1)'>` },
    );

    it('shows it as written and adds no element to the HTML', () => {
      expect(elementsOf(hostile.html).filter((element) => !OWN_ELEMENTS.has(element))).toEqual([]);
      expect(hostile.html).not.toMatch(/<script|<img|<b>/);
      expect(bodyRows(hostile.html)[0][0]).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
      expect(hostile.html).toContain('<p>Dear Tom &amp; &quot;Jerry&quot; &lt;img src=x onerror=&#39;alert(1)&#39;&gt;,</p>');
      expect(hostile.html).toContain('<title>Your invoice 2026-&lt;b&gt;42&lt;/b&gt;</title>');
    });

    it('keeps it as written in the plain text, where markup does nothing', () => {
      expect(hostile.text).toContain('  1 × <script>alert("x")</script> at €1.00: €1.00');
      expect(hostile.text.split('\n')[0]).toBe(`Dear Tom & "Jerry" <img src=x onerror='alert(1)'>,`);
    });
  });

  it('keeps the subject on one line whatever the invoice number holds', () => {
    const injected = invoiceIssuedEmail({ ...invoice, invoiceNumber: '2026-1\r\nBcc: victim@example.com\r\n\r\n<html>' }, ada);
    expect(injected.subject).toBe('Your invoice 2026-1 Bcc: victim@example.com <html>');
    expect(injected.subject).not.toMatch(/[\r\n]/);
  });
});
