/** WAL positions: LSNs ("16/B374D848") and segment file names ("000000010000001600000000"). */
export function parseLsn(text: string): bigint {
  const [hi, lo] = text.split('/');
  if (hi === undefined || lo === undefined) throw new Error(`not an LSN: ${text}`);
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
}

/**
 * The LSN just past the end of a WAL segment, from its file name (timeline, then the segment
 * number split in two). A name with a suffix (".partial", ".backup") counts as not yet complete.
 */
export function endOfSegment(name: string, segmentBytes = 16 * 1024 * 1024): bigint {
  const base = name.slice(0, 24);
  if (!/^[0-9A-F]{24}$/.test(base)) throw new Error(`not a WAL segment name: ${name}`);
  const perId = 0x1_0000_0000n / BigInt(segmentBytes);
  const segment = BigInt(`0x${base.slice(8, 16)}`) * perId + BigInt(`0x${base.slice(16, 24)}`);
  const complete = name.length === 24 ? 1n : 0n;
  return (segment + complete) * BigInt(segmentBytes);
}
