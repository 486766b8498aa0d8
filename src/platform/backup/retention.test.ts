import { describe, expect, it } from 'vitest';
import { manualClock } from '../clock.js';
import { isoWeek, planRetention, type RetentionCandidate } from './retention.js';

const GFS = { daily: 7, weekly: 4, monthly: 12 };
const DAY = 86_400_000;

/** A backup every day at 03:00 UTC from `from` for `days` days, stamped by an injected clock. */
function dailyBackups(
  from: string,
  days: number,
  prune?: (all: RetentionCandidate[]) => RetentionCandidate[],
) {
  const clock = manualClock(from);
  let all: RetentionCandidate[] = [];
  for (let i = 0; i < days; i++) {
    all.push({ id: `b${i}`, createdAt: clock.now() });
    if (prune) all = prune(all);
    clock.advance(DAY);
  }
  return all;
}

const keepOnly = (all: RetentionCandidate[]) => {
  const plan = planRetention(all, GFS);
  const kept = new Set(plan.keep.map((k) => k.id));
  return all.filter((b) => kept.has(b.id));
};
const days = (list: RetentionCandidate[]) => list.map((b) => b.createdAt.toISOString().slice(0, 10)).sort();

describe('GFS retention (7 daily, 4 weekly, 12 monthly)', () => {
  it('numbers ISO weeks as ISO 8601 does, across year ends', () => {
    expect(isoWeek(new Date('2026-01-01T00:00:00Z'))).toBe('2026-W01');
    expect(isoWeek(new Date('2027-01-01T00:00:00Z'))).toBe('2026-W53');
    expect(isoWeek(new Date('2024-12-30T00:00:00Z'))).toBe('2025-W01');
    expect(isoWeek(new Date('2026-11-22T23:59:59Z'))).toBe('2026-W47'); // a Sunday
    expect(isoWeek(new Date('2026-11-23T00:00:00Z'))).toBe('2026-W48'); // the Monday after
  });

  it('after two years of daily backups keeps 7 days, 4 week-ends and 12 month-ends', () => {
    // 2025-01-01 … 2026-12-31 (730 days); the last backup is Thursday 2026-12-31.
    const all = dailyBackups('2025-01-01T03:00:00Z', 730);
    const kept = days(keepOnly(all));
    expect(kept).toEqual(
      [
        // monthly: the last day of each of the 12 most recent months (December's is also daily)
        '2026-01-31',
        '2026-02-28',
        '2026-03-31',
        '2026-04-30',
        '2026-05-31',
        '2026-06-30',
        '2026-07-31',
        '2026-08-31',
        '2026-09-30',
        '2026-10-31',
        '2026-11-30',
        // weekly: the Sundays closing weeks 50, 51 and 52 (week 53's newest is the last daily)
        '2026-12-13',
        '2026-12-20',
        '2026-12-27',
        // daily: the last 7 days
        '2026-12-25',
        '2026-12-26',
        '2026-12-28',
        '2026-12-29',
        '2026-12-30',
        '2026-12-31',
      ].sort(),
    );
    expect(kept.length).toBe(20);
  });

  it('pruning every day ends with the same backups as pruning once at the end', () => {
    const once = keepOnly(dailyBackups('2025-06-15T03:00:00Z', 400));
    const everyDay = dailyBackups('2025-06-15T03:00:00Z', 400, keepOnly);
    expect(days(everyDay)).toEqual(days(once));
  });

  it('keeps the newest of several backups in a day, and never loses old backups to a gap', () => {
    const at = (iso: string, id: string): RetentionCandidate => ({ id, createdAt: new Date(iso) });
    const plan = planRetention(
      [
        at('2026-01-10T03:00:00Z', 'jan'),
        at('2026-06-01T03:00:00Z', 'jun-early'),
        at('2026-06-01T15:00:00Z', 'jun-late'),
      ],
      GFS,
    );
    // Five months without backups do not push January out: slots count days that have backups.
    expect(plan.keep.map((k) => k.id)).toEqual(['jun-late', 'jan']);
    expect(plan.remove).toEqual(['jun-early']);
  });

  it('gives no slot to a backup that failed verification, unless it is the newest', () => {
    const at = (iso: string, id: string, verified?: boolean): RetentionCandidate => ({
      id,
      createdAt: new Date(iso),
      verified,
    });
    const plan = planRetention(
      [
        at('2026-01-01T03:00:00Z', 'ok-1', true),
        at('2026-01-02T03:00:00Z', 'bad', false),
        at('2026-01-03T03:00:00Z', 'unverified'),
        at('2026-01-04T03:00:00Z', 'bad-newest', false),
      ],
      { daily: 2, weekly: 0, monthly: 0 },
    );
    expect(plan.keep).toEqual([
      { id: 'bad-newest', reasons: ['newest'] },
      { id: 'unverified', reasons: ['daily 2026-01-03'] },
      { id: 'ok-1', reasons: ['daily 2026-01-01'] },
    ]);
    expect(plan.remove).toEqual(['bad']);
  });
});
