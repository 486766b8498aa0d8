import { describe, expect, it } from 'vitest';
import { cancellationTerms } from './policy.js';

const HOUR = 3_600_000;
const start = new Date('2027-03-10T12:00:00Z');
const at = (hoursBefore: number) => new Date(start.getTime() - hoursBefore * HOUR);
const policy = { freeUntilHoursBefore: 48, feeBasisPoints: 2500 };

describe('cancellation terms', () => {
  it('gives everything back until the free period ends, the deadline itself included', () => {
    expect(cancellationTerms(policy, 10_000, start, at(100))).toEqual({
      refundAmount: 10_000,
      fee: 0,
      free: true,
    });
    expect(cancellationTerms(policy, 10_000, start, at(48))).toEqual({
      refundAmount: 10_000,
      fee: 0,
      free: true,
    });
  });

  it('keeps amount × basis points / 10 000 after it', () => {
    const late = new Date(at(48).getTime() + 1);
    expect(cancellationTerms(policy, 10_000, start, late)).toEqual({
      refundAmount: 7_500,
      fee: 2_500,
      free: false,
    });
    expect(cancellationTerms(policy, 10_000, start, at(1))).toMatchObject({ fee: 2_500 });
  });

  it('rounds the fee to the nearest minor unit, half up', () => {
    const p = { freeUntilHoursBefore: 0, feeBasisPoints: 3333 };
    // 999 × 0.3333 = 332.97 → 333; 15 × 0.3333 = 4.9995 → 5; 3 × 0.5 = 1.5 → 2.
    expect(cancellationTerms(p, 999, start, at(-1))).toEqual({ refundAmount: 666, fee: 333, free: false });
    expect(cancellationTerms(p, 15, start, at(-1))).toMatchObject({ refundAmount: 10, fee: 5 });
    expect(
      cancellationTerms({ freeUntilHoursBefore: 0, feeBasisPoints: 5000 }, 3, start, at(-1)),
    ).toMatchObject({
      refundAmount: 1,
      fee: 2,
    });
  });

  it('covers the bounds: no fee, all of it, nothing paid', () => {
    const late = at(1);
    expect(cancellationTerms({ freeUntilHoursBefore: 48, feeBasisPoints: 0 }, 5_000, start, late)).toEqual({
      refundAmount: 5_000,
      fee: 0,
      free: false,
    });
    expect(
      cancellationTerms({ freeUntilHoursBefore: 48, feeBasisPoints: 10_000 }, 5_000, start, late),
    ).toEqual({
      refundAmount: 0,
      fee: 5_000,
      free: false,
    });
    expect(cancellationTerms(policy, 0, start, late)).toEqual({ refundAmount: 0, fee: 0, free: false });
  });

  it('with no free period, is free until the start and charges the fee after', () => {
    expect(
      cancellationTerms({ freeUntilHoursBefore: 0, feeBasisPoints: 1000 }, 8_000, start, at(200)),
    ).toEqual({
      refundAmount: 8_000,
      fee: 0,
      free: true,
    });
    expect(
      cancellationTerms({ freeUntilHoursBefore: 0, feeBasisPoints: 1000 }, 8_000, start, at(-0.5)),
    ).toMatchObject({
      fee: 800,
    });
  });
});
