/** Durations as operators write them in configuration and policies. */
const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses "900", "900s", "15m", "7d", "250ms" into milliseconds; plain numbers are seconds. */
export function parseDuration(value: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(value.trim());
  if (!match) return undefined;
  const amount = Number(match[1]);
  const unit = match[2] ?? 's';
  return Math.round(amount * (DURATION_UNITS[unit] ?? 1000));
}
