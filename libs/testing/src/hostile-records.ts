/**
 * Avro's encoding of a long: zigzag, then seven bits a byte, low first. For writing block counts
 * and lengths into records by hand, as a hostile producer would.
 */
export function avroLong(value: number): Buffer {
  const bytes: number[] = [];
  let rest = BigInt(value) >= 0n ? BigInt(value) * 2n : -BigInt(value) * 2n - 1n;
  while (rest >= 0x80n) {
    bytes.push(Number((rest & 0x7fn) | 0x80n));
    rest >>= 7n;
  }
  bytes.push(Number(rest));
  return Buffer.from(bytes);
}

/**
 * A wire-format PaymentCompleted, encoded with `currency: 'XQZ'` and no items, whose items array
 * (an empty array is one 0 byte, right after the currency) is made to claim `count` items: a
 * record of about 140 bytes that a decoder without bounds would try to fill.
 */
export function claimingItems(encodedWithMarker: Buffer, count: number): Buffer {
  const at = encodedWithMarker.indexOf('XQZ') + 3;
  if (at < 3 || encodedWithMarker[at] !== 0) throw new Error('expected a PaymentCompleted encoded with currency XQZ and no items');
  return Buffer.concat([encodedWithMarker.subarray(0, at), avroLong(count), encodedWithMarker.subarray(at + 1)]);
}
