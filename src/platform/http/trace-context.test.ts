import { describe, expect, it } from 'vitest';
import { continueTrace, formatTraceparent, parseTraceparent } from './trace-context.js';

describe('W3C trace context', () => {
  const valid = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

  it('reads a valid traceparent, case-insensitively', () => {
    expect(parseTraceparent(valid.toUpperCase())).toEqual({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      flags: '01',
    });
  });

  it.each([
    ['00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
    ['ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra'],
    ['00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01'],
    ['garbage'],
  ])('rejects %s', (value) => {
    expect(parseTraceparent(value)).toBeUndefined();
  });

  it('accepts extra fields from a later version', () => {
    expect(parseTraceparent(`01-${valid.slice(3)}-what-comes-next`)?.traceId).toBe(
      '4bf92f3577b34da6a3ce929d0e0e4736',
    );
  });

  it('continues a trace with a fresh span, or starts a sampled one', () => {
    const incoming = parseTraceparent(valid)!;
    const next = continueTrace(incoming);
    expect(next.traceId).toBe(incoming.traceId);
    expect(next.spanId).not.toBe(incoming.spanId);
    expect(formatTraceparent(next)).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    const fresh = continueTrace(undefined);
    expect(parseTraceparent(formatTraceparent(fresh))).toEqual(fresh);
  });
});
