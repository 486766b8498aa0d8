/**
 * Grandfather-father-son retention: the newest backup of each of the last `daily` days, `weekly`
 * ISO weeks and `monthly` months that have a backup (restic's --keep-daily/weekly/monthly
 * semantics: a gap in backups never makes older ones disappear sooner). Calendar periods are UTC.
 * A backup whose verification failed fills no slot; it is kept only while it is the newest.
 */
export interface RetentionPolicy {
  daily: number;
  weekly: number;
  monthly: number;
}

export interface RetentionCandidate {
  id: string;
  createdAt: Date;
  /** false when verification failed; undefined when never verified. */
  verified?: boolean | undefined;
}

export interface RetentionPlan {
  keep: { id: string; reasons: string[] }[];
  remove: string[];
}

const day = (d: Date) => d.toISOString().slice(0, 10);
const month = (d: Date) => d.toISOString().slice(0, 7);

/** ISO 8601 week, e.g. 2026-W47 (weeks start on Monday; week 1 holds the year's first Thursday). */
export function isoWeek(d: Date): string {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const weekday = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((t.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${t.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

export function planRetention(backups: RetentionCandidate[], policy: RetentionPolicy): RetentionPlan {
  const newestFirst = [...backups].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const buckets = [
    { name: 'daily', period: day, left: policy.daily, last: '' },
    { name: 'weekly', period: isoWeek, left: policy.weekly, last: '' },
    { name: 'monthly', period: month, left: policy.monthly, last: '' },
  ];
  const reasons = new Map<string, string[]>();
  newestFirst.forEach((b, i) => {
    const why: string[] = [];
    if (i === 0) why.push('newest');
    if (b.verified !== false) {
      for (const bucket of buckets) {
        const key = bucket.period(b.createdAt);
        if (bucket.left > 0 && key !== bucket.last) {
          bucket.last = key;
          bucket.left--;
          why.push(`${bucket.name} ${key}`);
        }
      }
    }
    if (why.length) reasons.set(b.id, why);
  });
  return {
    keep: newestFirst
      .filter((b) => reasons.has(b.id))
      .map((b) => ({ id: b.id, reasons: reasons.get(b.id)! })),
    remove: newestFirst.filter((b) => !reasons.has(b.id)).map((b) => b.id),
  };
}
