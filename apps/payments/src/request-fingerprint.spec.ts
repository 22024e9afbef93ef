import { requestFingerprint } from './request-fingerprint';

describe('requestFingerprint', () => {
  it('is the same for the same body in any key order', () => {
    expect(requestFingerprint({ a: 1, b: { c: [1, 2], d: 'x' } })).toBe(requestFingerprint({ b: { d: 'x', c: [1, 2] }, a: 1 }));
  });

  it('differs when a value or the order of an array differs', () => {
    const base = requestFingerprint({ a: 1, items: [1, 2] });
    expect(requestFingerprint({ a: 2, items: [1, 2] })).not.toBe(base);
    expect(requestFingerprint({ a: 1, items: [2, 1] })).not.toBe(base);
  });
});
