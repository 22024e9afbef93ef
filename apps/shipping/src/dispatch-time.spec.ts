import { dispatchTime } from './dispatch-time';

describe('dispatchTime', () => {
  it.each([
    ['a Monday afternoon', '2026-11-23T15:30:00Z', '2026-11-24T09:00:00.000Z'],
    ['a Friday', '2026-11-27T08:00:00Z', '2026-11-30T09:00:00.000Z'],
    ['a Saturday', '2026-11-28T12:00:00Z', '2026-11-30T09:00:00.000Z'],
    ['just before midnight on a Sunday', '2026-11-29T23:59:59Z', '2026-11-30T09:00:00.000Z'],
  ])('ships a payment completed on %s at 09:00 UTC the next weekday', (_when, completedAt, expected) => {
    expect(new Date(dispatchTime(Date.parse(completedAt))).toISOString()).toBe(expected);
  });
});
