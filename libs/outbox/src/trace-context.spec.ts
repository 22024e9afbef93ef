import { childTraceparent } from './trace-context';

describe('childTraceparent', () => {
  const incoming = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  it('continues the incoming trace with a new span', () => {
    const child = childTraceparent(incoming);
    expect(child).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(child).not.toBe(incoming);
  });

  it('starts a new sampled trace without a valid parent', () => {
    for (const parent of [undefined, 'garbage', '00-00000000000000000000000000000000-00f067aa0ba902b7-01']) {
      expect(childTraceparent(parent)).toMatch(/^00-(?!0{32})[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    }
  });
});
