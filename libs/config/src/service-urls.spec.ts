import { ConfigurationError } from './configuration-error';
import { loadServiceUrls } from './service-urls';

describe('loadServiceUrls', () => {
  it('points at each service and the console on 127.0.0.1 at its default port when nothing is set', () => {
    expect(loadServiceUrls({})).toEqual({
      payments: 'http://127.0.0.1:3000',
      invoice: 'http://127.0.0.1:3001',
      crm: 'http://127.0.0.1:3002',
      shipping: 'http://127.0.0.1:3003',
      dashboards: 'http://127.0.0.1:3004',
      notifications: 'http://127.0.0.1:3006',
      console: 'http://127.0.0.1:3005',
    });
  });

  it('takes a service URL from its variable, without a trailing slash', () => {
    expect(loadServiceUrls({ CRM_URL: 'http://crm.internal:8080/' }).crm).toBe('http://crm.internal:8080');
  });

  it('names a variable that is not an http URL', () => {
    expect(() => loadServiceUrls({ SHIPPING_URL: 'shipping:3003' })).toThrow(ConfigurationError);
    expect(() => loadServiceUrls({ SHIPPING_URL: 'shipping:3003' })).toThrow(/SHIPPING_URL: expected an http:\/\/ or https:\/\/ URL, got "shipping:3003"/);
  });
});
